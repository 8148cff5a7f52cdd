"""Local stand-ins for external services, reusable by any test suite.

`tests.fakes.llm_server`: Anthropic and OpenAI streaming APIs for the real
SDKs (`pytest_plugins = ["tests.fakes.llm_server"]`, then the `fake_llm`
fixture); see that module's docstring.

`tests.fakes.mail_servers`: Resend's HTTP API for the real `resend` SDK
(`fake_resend`) and an aiosmtpd SMTP server (`smtp_server`).
"""
