"""A local stand-in for Alipay's open-platform gateway (电脑网站支付 and the trade
query / refund / close calls), so a whole purchase runs on a machine without internet.
It speaks Alipay's protocol exactly; billing reaches it by configuration only."""
