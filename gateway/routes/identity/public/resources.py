"""Public routes answered by identity (/api/v1/auth): captcha, registration, login and
tokens, vocabularies, a registration's progress and its withdrawal."""
from flask import request
from gateway.blueprint import Blueprint

from services.identity.contracts import RegisterBody

from ....rpc import rpc_pool
from .schemas import (Captcha, LoginBody, RefreshBody, Registered, RegistrationLookup,
                      RegistrationStatus, RegistrationWithdrawal, Tokens, Vocabularies)

blp = Blueprint("identity_public", __name__, url_prefix="/api/v1/auth",
                description="注册、登录与登录凭证")


def client_info():
    return {"ip": request.headers.get("X-Forwarded-For", request.remote_addr or "").split(",")[0],
            "user_agent": request.headers.get("User-Agent", "")}


@blp.route("/captcha", methods=["GET"], endpoint="captcha")
@blp.response(200, Captcha)
def captcha():
    """获取图片验证码（一次有效，5分钟内过期）"""
    return rpc_pool().identity.new_captcha()


@blp.route("/register", methods=["POST"], endpoint="register")
@blp.arguments(RegisterBody)
@blp.response(201, Registered)
def register(body):
    """注册：账号信息与个人信息一次提交"""
    return rpc_pool().identity.register(body)


@blp.route("/login", methods=["POST"], endpoint="login")
@blp.arguments(LoginBody)
@blp.response(200, Tokens)
def login(body):
    """登录：用户名或证件号码 + 密码 + 验证码；role 选择学员、管理员或运营登录入口"""
    return rpc_pool().identity.login(body, client_info())


@blp.route("/refresh", methods=["POST"], endpoint="refresh")
@blp.arguments(RefreshBody)
@blp.response(200, Tokens)
def refresh(body):
    """用刷新凭证换取新的登录凭证（旧刷新凭证随即作废）"""
    return rpc_pool().identity.refresh(body["refresh_token"])


@blp.route("/logout", methods=["POST"], endpoint="logout")
@blp.arguments(RefreshBody)
@blp.response(204)
def logout(body):
    """退出登录：作废刷新凭证"""
    rpc_pool().identity.logout(body["refresh_token"])


@blp.route("/vocabularies", methods=["GET"], endpoint="vocabularies")
@blp.response(200, Vocabularies)
def vocabularies():
    """注册与个人资料表单的下拉选项（民族、学历、职称级别等）"""
    return rpc_pool().identity.vocabularies()


@blp.route("/registration-status", methods=["POST"], endpoint="registration_status")
@blp.arguments(RegistrationLookup)
@blp.response(200, RegistrationStatus)
def registration_status(body):
    """注册审核进度查询：凭姓名和证件号码查询，答复审核单位"""
    # Composed here: the person's own registration (identity) and the units they applied
    # for (orgtree); services never call each other back (docs/architecture.md).
    rpc = rpc_pool()
    status = rpc.identity.registration_status(body["real_name"], body["id_number"])
    user_id = status.pop("user_id")
    return status | {"org_registrations": rpc.orgtree.registrations_of_applicant(user_id)}


@blp.route("/registration-withdrawal", methods=["POST"], endpoint="registration_withdrawal")
@blp.arguments(RegistrationWithdrawal)
@blp.response(200)
def registration_withdrawal(body):
    """撤回申请：待审核的注册可由本人撤回（须输入注册时的密码），之后可重新注册"""
    rpc = rpc_pool()
    who = body["real_name"], body["id_number"], body["password"]
    if body["org_id"] is None:
        return rpc.identity.withdraw_registration(*who)
    # A unit's registration: identity proves who is asking, orgtree withdraws it if
    # that person applied for it.
    user_id = rpc.identity.verify_registrant(*who)["user_id"]
    return rpc.orgtree.withdraw_org_registration(body["org_id"], user_id)
