"""Roles as the GUI shows them: translated names. The rule itself is ``desktop.domain.roles``.

``Role`` and ``may_see_internal_lists`` are re-exported for the widgets that imported them from
here before the rule moved to the domain.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.domain.roles import Role, may_see_internal_lists, parse_role

__all__ = ["Role", "may_see_internal_lists", "role_label"]


def role_label(role: Role | str) -> str:
    """The role's name for people, in the interface language."""
    match parse_role(role):
        case Role.FIELD_WORKER:
            return QCoreApplication.translate("Role", "驻村工作队员")
        case Role.REVIEWER:
            return QCoreApplication.translate("Role", "乡镇审核员")
        case Role.ADMIN:
            return QCoreApplication.translate("Role", "县级管理员")
    return QCoreApplication.translate("Role", "未知角色")
