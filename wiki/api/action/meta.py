"""Query meta modules: siteinfo (what clients read on start-up), userinfo (who the caller is and
what they may do) and tokens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from wiki import permissions
from wiki.api.action import tokens
from wiki.api.action.context import Context
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.namespaces import API_NAMESPACES, TEMPLATE
from wiki.api.action.params import Param, Parsed, format_timestamp
from wiki.api.action.result import JsonBool, content
from wiki.clock import utcnow
from wiki.titles import VIRTUAL_NAMESPACES
from wiki.urls import absolute_url

GENERATOR = "MediaWiki 1.39.0"
SITEINFO_PROPS = ("general", "namespaces", "namespacealiases", "statistics", "extensions",
                  "interwikimap", "specialpagealiases", "magicwords", "rightsinfo", "languages",
                  "skins", "protocols", "usergroups", "restrictions")
USERINFO_PROPS = ("blockinfo", "hasmsg", "groups", "groupmemberships", "implicitgroups",
                  "rights", "changeablegroups", "options", "editcount", "ratelimits", "email",
                  "realname", "acceptlang", "registrationdate", "unreadcount", "centralids",
                  "latestcontrib", "cancreateaccount", "*")
GROUPS = {"anonymous": ["*"], "editor": ["*", "user", "autoconfirmed"],
          "admin": ["*", "user", "autoconfirmed", "sysop"]}
# "autoconfirmed" and "editsemiprotected" let clients see that an account may edit pages
# protected at the editors' level (MediaWiki's semi-protection; mwclient checks the rights).
_EDITOR_RIGHTS = ["read", "edit", "createpage", "createtalk", "writeapi", "minoredit",
                  "editmyoptions", "editmywatchlist", "viewmywatchlist", "changetags",
                  "autoconfirmed", "editsemiprotected"]
_ADMIN_RIGHTS = ["delete", "undelete", "deletedhistory", "protect", "editprotected", "rollback",
                 "block", "apihighlimits", "noratelimit", "import", "importupload"]
LICENSE = {"url": "https://creativecommons.org/licenses/by-sa/4.0/",
           "text": "Creative Commons Attribution-ShareAlike 4.0"}


def rights_of(role: str) -> list[str]:
    """What a caller of that role may do, as MediaWiki names the rights."""
    if role == "anonymous":
        rights = ["read", "writeapi", "createaccount"]
        if current_app.config["WIKI_ANONYMOUS_EDITS"]:
            rights += ["edit", "createpage", "createtalk"]
        if permissions.may_upload(role):
            rights += ["upload", "reupload"]
        return rights
    if role == "admin":
        return _EDITOR_RIGHTS + ["upload", "reupload"] + _ADMIN_RIGHTS
    return _EDITOR_RIGHTS + ["upload", "reupload"]


def _general() -> dict[str, Any]:
    base = current_app.config["WIKI_BASE_URL"].rstrip("/")
    parts = urlsplit(base)
    limit = current_app.config["WIKI_MAX_ARTICLE_BYTES"]
    return {
        "mainpage": "Main Page", "base": absolute_url("/wiki/Main_Page"),
        "sitename": current_app.config["WIKI_SITE_NAME"],
        "logo": absolute_url("/static/favicon.svg"),
        "generator": GENERATOR, "phpversion": "0", "phpsapi": "wsgi", "dbtype": _dbtype(),
        "dbversion": "0", "lang": "en", "fallback": [], "rtl": False, "fallback8bitEncoding":
        "windows-1252", "writeapi": True, "maxarticlesize": limit, "timezone": "UTC",
        "timeoffset": 0, "articlepath": "/wiki/$1", "scriptpath": "/w", "script": "/w/index.php",
        "variantarticlepath": JsonBool(False), "server": base, "servername": parts.hostname or "",
        "wikiid": "wiki", "time": format_timestamp(utcnow()), "case": "first-letter",
        "legaltitlechars": " %!\"$&'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+",
        "invalidusernamechars": "@:>=", "misermode": True, "linkprefixcharset": "",
        "linktrail": "/^([a-z]+)(.*)$/sD", "maxuploadsize": 0, "minuploadchunksize": 1024,
        "thumblimits": {"0": 120, "1": 150, "2": 180, "3": 200, "4": 220, "5": 250, "6": 300,
                        "7": 400},
        "imagelimits": {"0": {"width": 320, "height": 240}, "1": {"width": 640, "height": 480},
                        "2": {"width": 800, "height": 600}, "3": {"width": 1024, "height": 768}},
        "magiclinks": {"ISBN": JsonBool(False), "PMID": JsonBool(False),
                       "RFC": JsonBool(False)},
        "favicon": absolute_url("/favicon.ico"), "uploadsenabled": False, "allunicodefixes": False,
        "categorycollation": "uppercase", "nofollowlinks": True, "externallinktarget": False,
        "interwikimagic": True, "readonly": False, "externalimages": [],
        "linkconflictlimit": 0, "galleryoptions": {}, "citeresponsivereferences": True,
    }


def _dbtype() -> str:
    url = current_app.config["WIKI_DATABASE_URL"]
    return "postgres" if url.startswith("postgresql") else "sqlite"


def _namespaces() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for number, name in API_NAMESPACES.items():
        entry: dict[str, Any] = {"id": number, "case": "first-letter"}
        if name:
            entry["canonical"] = name
        entry[content("name")] = name
        if number >= 0 and number % 2 == 1 or number in (2, 3, TEMPLATE):
            entry["subpages"] = True
        if number == 0:
            entry["content"] = True
        entry["nonincludable"] = False
        if number in VIRTUAL_NAMESPACES:
            entry["subpages"] = False
        found[str(number)] = entry
    return found


def _statistics() -> dict[str, Any]:
    import sqlalchemy as sa

    from wiki.db import db
    from wiki.models import Page, Revision, User

    pages = db.session.scalar(sa.select(sa.func.count()).select_from(Page)
                              .where(Page.is_deleted.is_(False))) or 0
    articles = db.session.scalar(sa.select(sa.func.count()).select_from(Page).where(
        Page.is_deleted.is_(False), Page.namespace == 0, Page.is_redirect.is_(False))) or 0
    edits = db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) or 0
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0
    return {"pages": pages, "articles": articles, "edits": edits, "images": 0, "users": users,
            "activeusers": users, "admins": 0, "jobs": 0}


def _usergroups() -> list[dict[str, Any]]:
    return [{"name": "*", "rights": rights_of("anonymous")},
            {"name": "user", "rights": rights_of("editor")},
            {"name": "autoconfirmed", "rights": []},
            {"name": "sysop", "rights": _ADMIN_RIGHTS}]


def siteinfo(context: Context, params: Parsed) -> dict[str, Any]:
    """meta=siteinfo."""
    result: dict[str, Any] = {}
    for prop in params["prop"] or ["general"]:
        if prop == "general":
            result["general"] = _general()
        elif prop == "namespaces":
            result["namespaces"] = _namespaces()
        elif prop == "namespacealiases":
            result["namespacealiases"] = []
        elif prop == "statistics":
            result["statistics"] = _statistics()
        elif prop == "extensions":
            result["extensions"] = []
        elif prop == "rightsinfo":
            result["rightsinfo"] = LICENSE
        elif prop == "usergroups":
            result["usergroups"] = _usergroups()
        elif prop == "restrictions":
            result["restrictions"] = {"types": ["edit", "move", "create"],
                                      "levels": ["", "autoconfirmed", "sysop"],
                                      "cascadinglevels": ["sysop"], "semiprotectedlevels":
                                      ["autoconfirmed"]}
        elif prop == "protocols":
            result["protocols"] = ["http://", "https://", "mailto:"]
        elif prop == "languages":
            result["languages"] = [{"code": "en", "bcp47": "en", content("name"): "English"}]
        elif prop == "skins":
            result["skins"] = [{"code": "vector-2022", "default": True,
                                content("name"): "Vector (2022)"}]
        else:
            result[prop] = []
    return result


def userinfo_of(context: Context, props: list[str]) -> dict[str, Any]:
    """The caller as meta=userinfo describes them."""
    user = context.user
    role = user.role if user else "anonymous"
    info: dict[str, Any] = {"id": user.id if user else 0,
                            "name": user.name if user else context.author.name}
    if user is None:
        info["anon"] = True
    if "groups" in props or "*" in props:
        info["groups"] = GROUPS.get(role, ["*"])
    if "implicitgroups" in props:
        info["implicitgroups"] = ["*"] if user is None else ["*", "user", "autoconfirmed"]
    if "rights" in props or "*" in props:
        info["rights"] = rights_of(role)
    if "editcount" in props and user is not None:
        import sqlalchemy as sa

        from wiki.db import db
        from wiki.models import Revision
        info["editcount"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Revision)
            .where(Revision.author == user.name, Revision.author_is_ip.is_(False))) or 0
    if "registrationdate" in props and user is not None:
        info["registrationdate"] = format_timestamp(user.created_at)
    if "options" in props:
        info["options"] = {}
    if "ratelimits" in props:
        info["ratelimits"] = {}
    if "cancreateaccount" in props and user is None:
        info["cancreateaccount"] = True
    return info


def userinfo(context: Context, params: Parsed) -> dict[str, Any]:
    """meta=userinfo."""
    return {"userinfo": userinfo_of(context, params["prop"])}


def token_query(context: Context, params: Parsed) -> dict[str, Any]:
    """meta=tokens: tokens bound to the caller's session."""
    return {"tokens": {f"{kind}token": tokens.token(kind) for kind in params["type"]}}


def register(registry: ModuleRegistry) -> None:
    """Offer the meta modules."""
    registry.add(Module("siteinfo", "meta", siteinfo, "Return general information about the "
                        "site.", prefix="si", params=(
                            Param("prop", values=SITEINFO_PROPS, multi=True, default=["general"],
                                  help="Which information to get."),
                            Param("filteriw", values=("local", "!local")),
                            Param("showalldb", "boolean"), Param("numberingroup", "boolean"),
                            Param("inlanguagecode"))))
    registry.add(Module("userinfo", "meta", userinfo, "Get information about the current user.",
                        prefix="ui", params=(
                            Param("prop", values=USERINFO_PROPS, multi=True,
                                  help="Which pieces of information to include."),
                            Param("attachedwiki"))))
    registry.add(Module("tokens", "meta", token_query, "Get tokens for data-modifying actions.",
                        prefix="", params=(
                            Param("type", values=tokens.TOKEN_TYPES, multi=True,
                                  default=["csrf"], all_value="*",
                                  help="Types of token to request."),)))

