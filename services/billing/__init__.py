"""billing: carts, orders, payments, balance, learning cards, invoices, refunds. Only its
event catalogue exists yet (learning consumes order_paid / order_refunded)."""
