"""identity: accounts, credentials, the people directory, captcha, tokens, roles and grants."""
