"""GET/POST /login, POST /logout, GET/POST /register, GET /invite/<code>, GET/POST /account/password."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_limiter.util import get_remote_address
from wtforms.fields.choices import SelectChoice

from webapp.auth.blueprint import bp
from webapp.auth.forms import LoginForm, PasswordForm, RegisterForm
from webapp.errors import DomainError, Forbidden
from webapp.extensions import limiter
from webapp.policies import can_change_password
from webapp.services.volunteers import accounts
from webapp.urls import local_path


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_LIMIT"]


def _failed(response) -> bool:
    # Only wrong passwords count: a community centre's volunteers signing in one after another share one address.
    return response.status_code == 401


def _account_key() -> str:
    # Per account, however the number was typed, so rotating addresses does not help a guesser.
    return "account:" + accounts.login_key(request.form.get("login"))


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("map.index")


def _show_on_form(form, err: DomainError) -> None:
    """A service's error next to the field it is about (and so in the summary), else above the form."""
    field = getattr(form, err.details.get("field", ""), None)
    if field is not None:
        field.errors = [*field.errors, err.message]
    else:
        form.form_errors.append(err.message)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed)
def login():
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_safe_next(request.args.get("next")))
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data)
        except accounts.WrongCredentials as err:
            form.form_errors.append(err.message)
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(form.next.data))
    status = 401 if form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("map.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    form.street_id.choices = [SelectChoice("", _("Choose your street"))] + [SelectChoice(*c) for c in accounts.street_choices()]
    if request.method == "GET" and request.args.get("code"):
        form.code.data = accounts.normalise_invitation_code(request.args["code"])
    invitation, status = None, 200
    if form.code.data:
        try:
            invitation = accounts.find_invitation(form.code.data)
        except DomainError as err:
            if request.method == "GET":
                _show_on_form(form, err)
    if form.validate_on_submit():
        try:
            user = accounts.register(accounts.Registration(
                display_name=form.display_name.data, password=form.password.data, phone=form.phone.data,
                username=form.username.data, code=form.code.data, street_id=form.street_id.data))
        except DomainError as err:
            _show_on_form(form, err)
            status = err.http_status
        else:
            login_user(user)
            return redirect(url_for("map.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/register.html", form=form, invitation=invitation), status


@bp.get("/invite/<code>")
def invite(code: str):
    invitation = accounts.find_invitation(code)  # unknown, expired or used up: the error page says which
    return render_template("auth/invite.html", invitation=invitation)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if not can_change_password(current_user):
        raise Forbidden()
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as err:
            _show_on_form(form, err)
            status = err.http_status
        else:
            # The new password gave the account a new session id: sign this phone in again with it.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.change_password"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/password.html", form=form), status
