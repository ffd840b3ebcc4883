"""Routes of the staff's web pages; see the package docstring.

No ``from __future__ import annotations`` here: FastAPI resolves the routes' ``Annotated``
dependencies, which name a local of ``mount_web``, when the routes are defined."""

import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop.cards.labels import book_value, entity_label, field_label
from desktop.domain.procedure import is_notice, notice_days, step_label
from desktop.domain.reviews import COMMENT_MAX_CHARS, RETURNED
from desktop.location.mbtiles import MBTiles, MBTilesError
from desktop.settings_registry import server_settings
from desktop.store.models import utcnow
from desktop.store.problems import village_problem_list
from desktop.store.queries import village_steps
from desktop.store.reviews import review_states
from desktop.store.save import to_book
from desktop.store.settings import working_policy
from sync.protocol import encode_enrollment
from sync.server import reports
from sync.server.db import WriterBusy, writer_session
from sync.server.devices import create_enrollment_code
from sync.server.models import Device
from sync.server.releases import assign_villages
from sync.server.web import accounts, data
from sync.server.web.accounts import Staff
from sync.server.web.resolve import WEB_HOSTNAME, Decision, ResolveFailed, decide
from sync.server.web.review import record_review

HERE = Path(__file__).parent
PREFIX = "/web"
SESSION_COOKIE = "fb_session"
SIGNIN_COOKIE = "fb_signin"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "geolocation=(), camera=(), microphone=()",
}
WRITE_TIMEOUT = server_settings().web_write_timeout
"""Seconds a page's write waits for the one writer (``desktop.settings_registry``)."""
MAX_UPLOAD_BYTES = 30 * 2**20
"""An uploaded export is at most this big (the server reads no request body over 32 MB)."""
UPLOAD_SUFFIXES = (".xlsx", ".xls", ".csv")


class SecurityHeaders:
    """ASGI middleware: the security header set on every answer under ``/web`` (and ``/``);
    pages (not static files) are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/" or path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        static = path.startswith((PREFIX + "/static/", PREFIX + "/tiles/"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers[key] = value
                if not static:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


TILE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def configured_mbtiles() -> Path | None:
    """The MBTiles file named by ``FIELDBOOK_SERVER_MBTILES``, if it names an existing file."""
    named = server_settings().mbtiles
    return named if named is not None and named.is_file() else None


class NeedSignIn(Exception):
    """No valid session: the answer is a redirect to the sign-in page."""


class PageError(Exception):
    """A page answers with an error page (403 CSRF, 404 not found or not yours, 503 busy)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def mount_web(app: FastAPI) -> None:
    """Add the web pages, their static files and their security headers to the sync server."""
    database = app.state.database
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["prefix"] = PREFIX
    templates.env.filters["field"] = field_label
    templates.env.filters["entity"] = entity_label
    templates.env.filters["shown"] = lambda value, name: (
        "空" if value is None else book_value(name, to_book(value)) or "空"
    )
    app.state.web_mbtiles = configured_mbtiles()  # the county's base map, if it has one
    cache = data.FeedCache(database)
    app.state.web_cache = cache  # tests and the benchmark wait for its background audits
    router = APIRouter()

    with database.session() as session:
        serializer = URLSafeSerializer(accounts.cookie_key(session), salt="fieldbook-web")

    # --- helpers ----------------------------------------------------------------------------

    def secure(request: Request) -> bool:
        return request.url.scheme == "https"

    def audit(staff_name: str | None, action: str, target: str | None = None) -> None:
        with database.session() as session:
            accounts.audit(session, staff_name, action, target)
            session.commit()

    def current_staff(request: Request) -> Staff:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            raise NeedSignIn
        try:
            session_id = serializer.loads(raw)
        except BadSignature as exc:
            raise NeedSignIn from exc
        if not isinstance(session_id, str):
            raise NeedSignIn
        with database.session() as session:
            staff = accounts.staff_of_session(session, session_id)
        if staff is None:
            raise NeedSignIn
        return staff

    StaffDep = Annotated[Staff, Depends(current_staff)]

    def check_csrf(staff: Staff, token: str | None) -> None:
        if not accounts.csrf_matches(staff.csrf_token, token):
            raise PageError(403, "表单已过期或来源不明 (缺少校验码), 请刷新页面后重试")

    def page(
        request: Request, name: str, staff: Staff | None, status: int = 200, **context: Any
    ) -> HTMLResponse:
        return templates.TemplateResponse(
            request, name, {"staff": staff, **context}, status_code=status
        )

    @contextmanager
    def the_writer() -> Iterator[Session]:
        lock = app.state.push_lock
        if not lock.acquire(timeout=WRITE_TIMEOUT):
            raise PageError(503, "服务器正忙, 请稍后再试")
        try:
            with writer_session(database, timeout=WRITE_TIMEOUT) as session:
                yield session
        except WriterBusy as exc:
            raise PageError(503, "服务器正忙, 请稍后再试") from exc
        finally:
            lock.release()

    @app.exception_handler(NeedSignIn)
    async def _need_sign_in(_request: Request, _exc: NeedSignIn) -> Response:
        return RedirectResponse(f"{PREFIX}/signin", status_code=303)

    @app.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError) -> Response:
        return page(request, "error.html", None, status=exc.status, message=exc.message)

    # --- sign-in ----------------------------------------------------------------------------

    @router.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse(f"{PREFIX}/", status_code=303)

    def signin_page(request: Request, message: str = "", status: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        response = page(request, "signin.html", None, status=status, csrf=token, message=message)
        response.set_cookie(
            SIGNIN_COOKIE,
            serializer.dumps(token),
            httponly=True,
            samesite="strict",
            secure=secure(request),
            path=PREFIX,
        )
        return response

    @router.get(f"{PREFIX}/signin", include_in_schema=False)
    def signin_form(request: Request) -> Response:
        return signin_page(request)

    @router.post(f"{PREFIX}/signin", include_in_schema=False)
    def signin(
        request: Request,
        name: Annotated[str, Form(max_length=40)] = "",
        password: Annotated[str, Form(max_length=200)] = "",
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        try:
            expected = serializer.loads(request.cookies.get(SIGNIN_COOKIE, ""))
        except BadSignature:
            expected = None
        if not isinstance(expected, str) or not accounts.csrf_matches(expected, csrf_token):
            return signin_page(request, "页面已过期, 请重新输入", status=403)
        with database.session() as session:
            result = accounts.sign_in(session, name, password)
            if result.user is None:
                return signin_page(request, result.message, status=401)
            session_id = accounts.open_session(session, result.user)
        response = RedirectResponse(f"{PREFIX}/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            serializer.dumps(session_id),
            max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
            httponly=True,
            samesite="strict",
            secure=secure(request),
            path=PREFIX,
        )
        response.delete_cookie(SIGNIN_COOKIE, path=PREFIX)
        return response

    @router.post(f"{PREFIX}/signout", include_in_schema=False)
    def signout(staff: StaffDep, csrf_token: Annotated[str, Form(max_length=100)] = "") -> Response:
        check_csrf(staff, csrf_token)
        with database.session() as session:
            accounts.close_session(session, staff.session_hash)
        response = RedirectResponse(f"{PREFIX}/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    @router.get(f"{PREFIX}/password", include_in_schema=False)
    def password_form(request: Request, staff: StaffDep) -> Response:
        return page(request, "password.html", staff, message="")

    @router.post(f"{PREFIX}/password", include_in_schema=False)
    def password_change(
        request: Request,
        staff: StaffDep,
        old: Annotated[str, Form(max_length=200)] = "",
        new: Annotated[str, Form(max_length=200)] = "",
        again: Annotated[str, Form(max_length=200)] = "",
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        if new != again:
            return page(
                request, "password.html", staff, status=422, message="两次输入的新密码不一致"
            )
        with database.session() as session:
            user = session.get(accounts.StaffUser, staff.id)
            try:
                accounts.set_password(session, user, old, new)
            except accounts.AccountError as exc:
                return page(request, "password.html", staff, status=422, message=str(exc))
            accounts.close_other_sessions(session, staff.id, staff.session_hash)
        audit(staff.name, "password_changed")
        return page(request, "password.html", staff, message="密码已修改", done=True)

    # --- overview ---------------------------------------------------------------------------

    def overview_page(request: Request, staff: Staff, township: str | None) -> Response:
        with database.session() as session:
            try:
                villages = data.villages_in_scope(session, staff, township)
            except data.NotYours as exc:
                raise PageError(404, "没有这个乡镇, 或不在您的管辖范围内") from exc
            towns = data.townships_in_scope(session, staff)
            if township is None and staff.township_code is None:
                title = "全县概况"
            else:
                code = township or staff.township_code
                title = next((n for c, n in towns if c == code), code or "") + "概况"
            view = data.cached_overview(session, staff, villages, title, cache)
        audit(staff.name, "view_overview", township or staff.township_code or "county")
        if view.quota is not None:
            audit(staff.name, "view_quota", township or staff.township_code or "county")
        return page(
            request,
            "overview.html",
            staff,
            view=view,
            townships=towns,
            township=township,
            chart={"days": [d for d, _ in view.per_day], "counts": [n for _, n in view.per_day]},
        )

    @router.get(f"{PREFIX}/", include_in_schema=False)
    def home(request: Request, staff: StaffDep) -> Response:
        return overview_page(request, staff, None)

    @router.get(f"{PREFIX}/township/{{code}}", include_in_schema=False)
    def township(request: Request, staff: StaffDep, code: str) -> Response:
        return overview_page(request, staff, code[:20])

    # --- village ----------------------------------------------------------------------------

    def village_of(session: Session, staff: Staff, code: str) -> data.Village:
        try:
            return data.village_in_scope(session, staff, code[:20])
        except data.NotYours as exc:
            raise PageError(404, "没有这个村, 或不在您的管辖范围内") from exc

    def village_page(
        request: Request, staff: Staff, code: str, asked: data.ListRequest, query: str | None
    ) -> Response:
        with database.session() as session:
            village = village_of(session, staff, code)
            policy = working_policy(session)
            problems = cache.problem_list(session, village, policy, internal=staff.internal)
            if query is not None:
                rows, total, cursor = (
                    data.search_village(session, staff, village, query),
                    None,
                    None,
                )
            else:
                rows, total, cursor = data.household_list(
                    session, staff, village, asked, policy, problems
                )
            steps = [
                {
                    "operation": s.operation,
                    "label": step_label(s.step),
                    "start": s.start_date,
                    "end": s.end_date,
                    "days": notice_days(s.start_date, s.end_date)
                    if is_notice(s.step) and s.start_date and s.end_date
                    else None,
                    "outcome": s.outcome,
                }
                for s in village_steps(session, village.id)
            ]
            points, committee = data.map_points(session, village)
            reviews = review_states(session, [r.id for r in rows])
        audit(staff.name, "view_village_list", village.code)
        audit(staff.name, "view_problem_list", village.code)
        labels = data.status_labels()
        return page(
            request,
            "village.html",
            staff,
            village=village,
            rows=rows,
            total=total,
            cursor=cursor,
            asked=asked,
            query=query,
            labels=labels,
            problems=problems,
            problem_errors=sum(1 for r in problems.rows if r.problem.is_error),
            steps=steps,
            policy=policy,
            reviews=reviews,
            map_data={
                "tiles": base_map(),
                "points": [
                    {"n": p.number, "lat": p.lat, "lon": p.lon, "s": p.status, "f": p.fallback}
                    for p in points
                ],
                "committee": list(committee) if committee else None,
                "labels": labels,
            },
        )

    @router.get(f"{PREFIX}/village/{{code}}", include_in_schema=False)
    def village(
        request: Request,
        staff: StaffDep,
        code: str,
        status: str | None = None,
        flag: str | None = None,
        visited: str | None = None,
        problems: str | None = None,
        after_number: str | None = None,
        after_id: str | None = None,
    ) -> Response:
        asked = data.ListRequest(
            status=status if status in data.status_labels() else None,
            flag=flag if flag in ("marginal", "monitored") else None,
            visited=visited if visited in ("yes", "no") else None,
            problems=problems == "open",
            after_number=(after_number or "")[:30] or None,
            after_id=(after_id or "")[:36] or None,
        )
        return village_page(request, staff, code, asked, None)

    @router.post(f"{PREFIX}/village/{{code}}/search", include_in_schema=False)
    def village_search(
        request: Request,
        staff: StaffDep,
        code: str,
        q: Annotated[str, Form(max_length=60)] = "",
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        # a POST, so that a name or an ID number never stands in a URL or an access log
        check_csrf(staff, csrf_token)
        return village_page(request, staff, code, data.ListRequest(), q)

    # --- household --------------------------------------------------------------------------

    @router.get(f"{PREFIX}/household/{{household_id}}", include_in_schema=False)
    def household(request: Request, staff: StaffDep, household_id: str) -> Response:
        with database.session() as session:
            try:
                found = data.household_in_scope(session, staff, household_id[:36])
            except data.NotYours as exc:
                raise PageError(404, "没有这一户, 或不在您的管辖范围内") from exc
        audit(staff.name, "view_household", found.id)
        return page(request, "household.html", staff, h=found)

    @router.post(f"{PREFIX}/household/{{household_id}}/review", include_in_schema=False)
    def review(
        request: Request,
        staff: StaffDep,
        household_id: str,
        verdict: Annotated[str, Form(max_length=10)] = "",
        comment: Annotated[str, Form(max_length=COMMENT_MAX_CHARS)] = "",
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        with the_writer() as session:
            try:
                found = data.household_in_scope(session, staff, household_id[:36])
            except data.NotYours as exc:
                raise PageError(404, "没有这一户, 或不在您的管辖范围内") from exc
            try:
                record_review(session, staff, found.id, found.village.code, verdict, comment)
            except ResolveFailed as exc:
                session.rollback()
                return page(
                    request,
                    "household.html",
                    staff,
                    status=422,
                    h=found,
                    message=exc.message,
                    typed=comment,
                )
            session.commit()
        audit(staff.name, f"review_{verdict}", found.id)
        with database.session() as session:
            shown = data.household_in_scope(session, staff, found.id)
        done = "已退回, 驻村笔记本下次同步时收到意见" if verdict == RETURNED else "已通过"
        return page(request, "household.html", staff, h=shown, message=done, done=True)

    # --- the base map: tiles of the county's MBTiles file ---------------------------------------

    base_maps: dict[tuple[Path, float], dict[str, Any] | None] = {}

    def base_map() -> dict[str, Any] | None:
        """What the village map needs to draw the MBTiles underneath, or ``None`` (plain); read
        once per file and modification time (a county's file can be gigabytes)."""
        path = app.state.web_mbtiles
        if path is None:
            return None
        try:
            key = (path, path.stat().st_mtime)
        except OSError:
            return None
        if key not in base_maps:
            base_maps[key] = read_base_map(path)
        return base_maps[key]

    def read_base_map(path: Path) -> dict[str, Any] | None:
        try:
            tiles = MBTiles(path)
        except MBTilesError:
            return None
        try:
            if not tiles.zooms:
                return None
            return {
                "url": f"{PREFIX}/tiles/{{z}}/{{x}}/{{y}}",
                "min": tiles.zooms[0],
                "max": tiles.zooms[-1],
            }
        finally:
            tiles.close()

    @router.get(f"{PREFIX}/tiles/{{zoom}}/{{x}}/{{y}}", include_in_schema=False)
    def tile(
        _staff: StaffDep,
        zoom: Annotated[int, PathParam(ge=0, le=22)],
        x: Annotated[int, PathParam(ge=0, le=2**22)],
        y: Annotated[int, PathParam(ge=0, le=2**22)],
    ) -> Response:
        path = app.state.web_mbtiles
        if path is None:
            raise PageError(404, "没有离线底图")
        try:
            tiles = MBTiles(path)
        except MBTilesError as exc:
            raise PageError(404, "离线底图无法读取") from exc
        try:
            image = tiles.tile(zoom, x, y)
            kind = TILE_TYPES.get(tiles.metadata.get("format", "png"), "image/png")
        finally:
            tiles.close()
        if image is None:
            return Response(status_code=204)  # outside the county: Leaflet leaves it blank
        return Response(image, media_type=kind, headers={"cache-control": "private, max-age=86400"})

    # --- conflicts --------------------------------------------------------------------------

    def conflicts_page(
        request: Request, staff: Staff, message: str = "", status: int = 200
    ) -> Response:
        with database.session() as session:
            villages = data.villages_in_scope(session, staff)
            names = {v.code: v.name for v in villages}
            found = reports.conflicts_report(session, [v.code for v in villages])
            households = data.household_labels(
                session,
                {c.household_id for v in found.villages for c in v.conflicts if c.household_id},
            )
        audit(staff.name, "view_conflicts", staff.township_code or "county")
        return page(
            request,
            "conflicts.html",
            staff,
            status=status,
            report=found,
            names=names,
            households=households,
            message=message,
        )

    @router.get(f"{PREFIX}/conflicts", include_in_schema=False)
    def conflicts(request: Request, staff: StaffDep) -> Response:
        return conflicts_page(request, staff)

    @router.post(f"{PREFIX}/conflicts/{{conflict_id}}", include_in_schema=False)
    def resolve(
        request: Request,
        staff: StaffDep,
        conflict_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
        choice: Annotated[str, Form(max_length=10)] = "",
        typed: Annotated[str, Form(max_length=200)] = "",
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        with the_writer() as session:
            codes = [v.code for v in data.villages_in_scope(session, staff)]
            try:
                closed = decide(session, staff, codes, Decision(conflict_id, choice, typed))
            except ResolveFailed as exc:
                session.rollback()
                return conflicts_page(request, staff, exc.message, status=409)
            session.commit()
        audit(staff.name, "resolve_conflict", str(conflict_id))
        return conflicts_page(
            request, staff, f"已裁决 {len(closed)} 个冲突, 各笔记本下次同步时收到"
        )

    # --- devices (the county office) ----------------------------------------------------------

    def admin_only(staff: Staff) -> None:
        if not staff.is_admin:
            raise PageError(403, "只有县级管理员可以管理笔记本")

    def devices_page(request: Request, staff: Staff, status: int = 200, **extra: Any) -> Response:
        with database.session() as session:
            villages = data.villages_in_scope(session, staff)
            rows = data.device_lines(session)
        audit(staff.name, "view_devices", "county")
        return page(
            request,
            "devices.html",
            staff,
            status=status,
            devices=rows,
            villages=villages,
            names={v.code: v.name for v in villages},
            roles=data.DEVICE_ROLES,
            failed=status >= 400,
            **extra,
        )

    @router.get(f"{PREFIX}/devices", include_in_schema=False)
    def devices(request: Request, staff: StaffDep) -> Response:
        admin_only(staff)
        return devices_page(request, staff)

    @router.post(f"{PREFIX}/devices/enroll", include_in_schema=False)
    def enroll(
        request: Request,
        staff: StaffDep,
        name: Annotated[str, Form(max_length=60)] = "",
        role: Annotated[str, Form(max_length=20)] = "field_worker",
        villages: Annotated[list[str] | None, Form()] = None,
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        admin_only(staff)
        chosen = sorted(set(villages or []))
        with database.session() as session:
            known = {v.code for v in data.villages_in_scope(session, staff)}
        problem = None
        if not name.strip():
            problem = "请填写笔记本名称"
        elif not chosen or not set(chosen) <= known:
            problem = "请至少选择一个村"
        elif role not in data.DEVICE_ROLES:
            problem = "角色不正确"
        if problem:
            return devices_page(request, staff, status=422, message=problem)
        with database.session() as session:
            code = create_enrollment_code(session, name=name.strip(), villages=chosen, role=role)
        text = encode_enrollment(code, str(request.base_url).rstrip("/"))
        qr = segno.make(text, error="m").svg_data_uri(scale=4, border=2)
        audit(staff.name, "enroll_device", ",".join(chosen)[:100])
        return devices_page(request, staff, enrolled={"name": name.strip(), "text": text, "qr": qr})

    @router.post(f"{PREFIX}/devices/{{device_id}}/villages", include_in_schema=False)
    def reassign(
        request: Request,
        staff: StaffDep,
        device_id: str,
        villages: Annotated[list[str] | None, Form()] = None,
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        admin_only(staff)
        chosen = sorted(set(villages or []))
        with the_writer() as session:
            known = {v.code for v in data.villages_in_scope(session, staff)}
            device = session.get(Device, device_id[:36])
            if device is None or device.hostname == WEB_HOSTNAME:
                raise PageError(404, "没有这台笔记本")
            if not set(chosen) <= known:
                raise PageError(422, "村代码不正确")
            assign_villages(session, device, chosen)  # remembers what it takes away
            session.commit()
        audit(staff.name, "assign_villages", device_id[:36])
        return devices_page(
            request, staff, message="已保存; 笔记本下次同步时按新的村下载, 未同步的修改不会丢失"
        )

    @router.post(f"{PREFIX}/devices/{{device_id}}/revoke", include_in_schema=False)
    def revoke(
        request: Request,
        staff: StaffDep,
        device_id: str,
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        admin_only(staff)
        with the_writer() as session:
            device = session.get(Device, device_id[:36])
            if device is None or device.hostname == WEB_HOSTNAME:
                raise PageError(404, "没有这台笔记本")
            if not device.revoked:
                device.revoked = True
                device.revoked_at = utcnow()
            session.commit()
        audit(staff.name, "revoke_device", device_id[:36])
        return devices_page(request, staff, message="已停用; 这台笔记本不能再同步")

    # --- uploads: the national system's export, previewed, then imported (the CLI's code) -----

    uploads: dict[str, tuple[int, Path]] = {}  # token -> (staff id, the uploaded file)

    def forget_upload(token: str) -> None:
        held = uploads.pop(token, None)
        if held is not None:
            shutil.rmtree(held[1].parent, ignore_errors=True)

    async def receive_upload(upload: UploadFile, stem: str, wrong_kind: str) -> tuple[Path, int]:
        """The uploaded file saved in a folder of its own, refused when too big or not a table."""
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise PageError(422, wrong_kind)
        folder = Path(tempfile.mkdtemp(prefix="fieldbook-upload-"))
        path = folder / f"{stem}{suffix}"
        size = 0
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    out.close()
                    shutil.rmtree(folder, ignore_errors=True)
                    raise PageError(413, f"文件超过 {MAX_UPLOAD_BYTES // 2**20} MB")
                out.write(chunk)
        return path, size

    def hold_upload(staff: Staff, path: Path) -> str:
        """Keep a previewed file for its commit; one file waits per person."""
        for older in [t for t, (owner, _p) in uploads.items() if owner == staff.id]:
            forget_upload(older)  # a new preview replaces the last
        token = secrets.token_urlsafe(24)
        uploads[token] = (staff.id, path)
        return token

    def run_import(path: Path, *, dry_run: bool) -> Any:
        from desktop.store.registry_import import RegistryFileError
        from sync.server.registry_import import import_registry_server

        lock = app.state.push_lock  # the one writer of this process, as a push takes it
        if not lock.acquire(timeout=WRITE_TIMEOUT):
            raise PageError(503, "服务器正忙, 请稍后再试")
        try:
            return import_registry_server(
                database, [path], dry_run=dry_run, lock_timeout=WRITE_TIMEOUT
            )
        except RegistryFileError as exc:
            raise PageError(422, f"文件无法导入: {exc}") from exc
        except WriterBusy as exc:
            raise PageError(503, "服务器正忙, 请稍后再试") from exc
        finally:
            lock.release()

    @router.get(f"{PREFIX}/imports", include_in_schema=False)
    def imports(request: Request, staff: StaffDep) -> Response:
        admin_only(staff)
        return page(request, "imports.html", staff, limit_mb=MAX_UPLOAD_BYTES // 2**20)

    @router.post(f"{PREFIX}/imports/preview", include_in_schema=False)
    async def import_preview(
        request: Request,
        staff: StaffDep,
        upload: Annotated[UploadFile, File()],
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        admin_only(staff)
        path, size = await receive_upload(upload, "registry", "请上传全国系统导出的 xlsx、xls 或 csv 文件")
        try:
            result = await run_in_threadpool(run_import, path, dry_run=True)
        except BaseException:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        token = hold_upload(staff, path)
        await run_in_threadpool(audit, staff.name, "import_preview", f"{size} bytes")
        return page(
            request, "imports.html", staff, result=result, token=token,
            limit_mb=MAX_UPLOAD_BYTES // 2**20,
        )  # fmt: skip

    @router.post(f"{PREFIX}/imports/commit", include_in_schema=False)
    def import_commit(
        request: Request,
        staff: StaffDep,
        token: Annotated[str, Form(max_length=100)] = "",
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        admin_only(staff)
        held = uploads.get(token)
        if held is None or held[0] != staff.id or held[1].stem != "registry":
            raise PageError(404, "没有这个待导入的文件, 请重新上传")
        try:
            result = run_import(held[1], dry_run=False)
        finally:
            forget_upload(token)
        audit(staff.name, "import_registry", f"{result.feed_entries} feed entries")
        return page(
            request, "imports.html", staff, result=result, done=True,
            limit_mb=MAX_UPLOAD_BYTES // 2**20,
        )  # fmt: skip

    # --- the departments' assistance measures (Q14): the CLI's preview, the writes by the feed ---

    def run_assistance_import(path: Path, *, dry_run: bool) -> Any:
        from desktop.store.exchange.columns import ExchangeError
        from sync.server.department_import import import_assistance_server

        lock = app.state.push_lock
        if not lock.acquire(timeout=WRITE_TIMEOUT):
            raise PageError(503, "服务器正忙, 请稍后再试")
        try:
            return import_assistance_server(
                database, path, dry_run=dry_run, lock_timeout=WRITE_TIMEOUT
            )
        except ExchangeError as exc:
            raise PageError(422, f"文件无法导入: {exc}") from exc
        except WriterBusy as exc:
            raise PageError(503, "服务器正忙, 请稍后再试") from exc
        finally:
            lock.release()

    @router.post(f"{PREFIX}/imports/assistance/preview", include_in_schema=False)
    async def assistance_preview(
        request: Request,
        staff: StaffDep,
        upload: Annotated[UploadFile, File()],
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        admin_only(staff)
        path, size = await receive_upload(upload, "assistance", "请上传行业部门的 xlsx、xls 或 csv 文件")
        try:
            assistance = await run_in_threadpool(run_assistance_import, path, dry_run=True)
        except BaseException:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        token = hold_upload(staff, path)
        await run_in_threadpool(audit, staff.name, "assistance_preview", f"{size} bytes")
        return page(
            request, "imports.html", staff, assistance=assistance, token=token,
            limit_mb=MAX_UPLOAD_BYTES // 2**20,
        )  # fmt: skip

    @router.post(f"{PREFIX}/imports/assistance/commit", include_in_schema=False)
    def assistance_commit(
        request: Request,
        staff: StaffDep,
        token: Annotated[str, Form(max_length=100)] = "",
        csrf_token: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        admin_only(staff)
        held = uploads.get(token)
        if held is None or held[0] != staff.id or held[1].stem != "assistance":
            raise PageError(404, "没有这个待导入的文件, 请重新上传")
        try:
            assistance = run_assistance_import(held[1], dry_run=False)
        finally:
            forget_upload(token)
        audit(staff.name, "import_assistance", f"{assistance.feed_entries} feed entries")
        return page(
            request, "imports.html", staff, assistance=assistance, done=True,
            limit_mb=MAX_UPLOAD_BYTES // 2**20,
        )  # fmt: skip

    # --- reports: xlsx downloads (the CLI's own writers) ------------------------------------------

    @router.get(f"{PREFIX}/reports", include_in_schema=False)
    def reports_page(request: Request, staff: StaffDep) -> Response:
        with database.session() as session:
            villages = data.villages_in_scope(session, staff)
            towns = data.townships_in_scope(session, staff)
        return page(request, "reports.html", staff, villages=villages, townships=towns)

    def xlsx(write: Callable[[Session, Path], Any], filename: str) -> Response:
        folder = Path(tempfile.mkdtemp(prefix="fieldbook-web-"))
        path = folder / filename
        try:
            with database.session() as session:
                write(session, path)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return FileResponse(
            path,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=filename,
            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
        )

    @router.get(f"{PREFIX}/reports/quota.xlsx", include_in_schema=False)
    def quota_xlsx(staff: StaffDep) -> Response:
        if not staff.internal:
            raise PageError(403, "边缘户和脱贫监测户规模仅限审核员和管理员查看 (第6问)")

        def write(session: Session, path: Path) -> None:
            from desktop.store.quota import export_quota_report, quota_report

            codes = {v.code for v in data.villages_in_scope(session, staff)}
            wanted = reports.counties_of(session, codes)
            policy = working_policy(session)
            lines = [q for q in quota_report(session, policy=policy) if q.county_code in wanted]
            export_quota_report(lines, path, policy=policy)

        audit(staff.name, "download_quota", staff.township_code or "county")
        return xlsx(write, "quota.xlsx")

    @router.get(f"{PREFIX}/reports/problems/{{code}}.xlsx", include_in_schema=False)
    def problems_xlsx(staff: StaffDep, code: str) -> Response:
        with database.session() as session:
            village = village_of(session, staff, code)

        def write(session: Session, path: Path) -> None:
            from desktop.store.problems import export_problem_list

            listed = village_problem_list(session, village.id, internal=staff.internal)
            export_problem_list(listed, path)

        audit(staff.name, "download_problem_list", village.code)
        return xlsx(write, f"problems-{village.code}.xlsx")

    @router.get(f"{PREFIX}/reports/registry.xlsx", include_in_schema=False)
    def registry_xlsx(staff: StaffDep, township: str | None = None) -> Response:
        with database.session() as session:
            try:
                villages = data.villages_in_scope(session, staff, (township or "")[:20] or None)
            except data.NotYours as exc:
                raise PageError(404, "没有这个乡镇, 或不在您的管辖范围内") from exc

        def write(session: Session, path: Path) -> None:
            from desktop.store.exchange.registry_export import export_registry

            export_registry(
                session, path, village_ids=[v.id for v in villages], internal=staff.internal
            )

        scope = township or staff.township_code or "county"
        audit(staff.name, "download_registry", scope)
        return xlsx(write, f"registry-{scope}.xlsx")

    @router.get(f"{PREFIX}/reports/population-change.xlsx", include_in_schema=False)
    def population_change_xlsx(staff: StaffDep, level: str = "village") -> Response:
        """The 贫困人口增减 report for the 11-10 filing (Q9): the county's, for its office."""
        from desktop.store.population_change import LEVELS

        if not staff.is_admin:
            raise PageError(403, "贫困人口增减表按全县汇总, 仅县级管理员下载 (第9问)")
        if level not in LEVELS:
            raise PageError(400, "汇总级别应为 village、township 或 county")

        def write(session: Session, path: Path) -> None:
            from desktop.store.population_change import (
                population_change,
                write_population_change_xlsx,
            )

            report = population_change(session, policy=working_policy(session), level=level)
            write_population_change_xlsx(report, path)

        audit(staff.name, "download_population_change", "county")
        return xlsx(write, f"population-change-{level}.xlsx")

    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(HERE / "static")), name="web-static")
    app.add_middleware(SecurityHeaders)
