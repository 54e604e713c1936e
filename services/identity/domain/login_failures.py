"""The login failures a person is told apart (Henan FAQ 无法登录?), with their messages."""

NO_ACCOUNT = ("account_not_found", "您的帐号不存在，请重新输入！若未注册，可点此立即注册")
PENDING = ("account_pending_review", "您的账号正在审核中，审核通过才可登录平台。审核部门：{org}")
WRONG_ROLE = ("role_not_registered", "您选择的登录角色未注册，请选择正确的登录角色！")
REJECTED = ("account_rejected", "您的注册申请未通过审核，请联系所选单位的管理员或重新注册")
DISABLED = ("account_disabled", "账号已被停用，请联系单位管理员")
WRONG_PASSWORD = ("wrong_password", "用户名或密码错误，再错{left}次账号将被锁定15分钟")
LOCKED = ("account_locked", "密码错误次数过多，账号已锁定，请于{until}（北京时间）后再试")
CAPTCHA_EXPIRED = ("captcha_expired", "验证码已失效，请刷新验证码")
CAPTCHA_WRONG = ("captcha_wrong", "验证码错误，请重新输入")
