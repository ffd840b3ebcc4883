"""A read-only view of one household and its members (农户 → 只读查看; the form edits).

ID numbers are masked except their last 4 characters: the dialog is often open with a family
or a neighbour looking at the screen.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.idcard import age_on
from desktop.store.queries import Flag, HouseholdDetail
from desktop.ui.code_labels import ui_code_table
from desktop.ui.geometry import fit_window
from desktop.ui.household_list import money
from desktop.ui.style import apply_readable_font

VISIBLE_ID_DIGITS = 4


def mask_id_number(number: str | None, visible: int = VISIBLE_ID_DIGITS) -> str:
    """``610727199206213822`` → ``**************3822``: only the last ``visible`` characters show."""
    if not number:
        return ""
    shown = number[-visible:] if visible > 0 else ""
    return "*" * (len(number) - len(shown)) + shown


class HouseholdDetailDialog(QDialog):
    """The household's main facts and its current members, read-only."""

    def __init__(
        self, detail: HouseholdDetail, *, today: date | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        self.detail = detail
        self._today = today or date.today()
        row = detail.row
        self.setWindowTitle(
            self.tr("农户信息 {0} {1}").format(row.household_number, row.head_name or "")
        )
        fit_window(self, (900, 560))

        form = QFormLayout()
        place = " ".join(p for p in (row.village, row.hamlet) if p)
        flags = "、".join(self._flag_label(f) for f in row.flags) or self.tr("无")
        status = ui_code_table("status").label(row.status)
        facts = [
            (self.tr("户编号"), row.household_number),
            (self.tr("户主"), row.head_name or self.tr("(无户主)")),
            (self.tr("所在村组"), place),
            (self.tr("家庭住址"), detail.address or ""),
            (self.tr("脱贫状态"), status),
            (self.tr("家庭人口"), self.tr("{0} 人").format(row.member_count)),
            (self.tr("人均纯收入"), money(row.per_capita_net_income) or self.tr("未填报")),
            (self.tr("标识"), flags),
            (self.tr("联系电话"), detail.phone or ""),
        ]
        for label, value in facts:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label + ":", shown)

        self.review_label = self._review_label(detail)
        self.members_table = self._members_table()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if self.review_label is not None:
            layout.addWidget(self.review_label)
        layout.addWidget(QLabel(self.tr("家庭成员({0} 人)").format(len(detail.members))))
        layout.addWidget(self.members_table, stretch=1)
        layout.addWidget(buttons)

    def _review_label(self, detail: HouseholdDetail) -> QLabel | None:
        """The reviewer's latest word on the household: returned with its comment, accepted, or
        changed since the review."""
        review = detail.review
        if review is None:
            return None
        who = f"{review.reviewer} {review.reviewed_at:%Y-%m-%d %H:%M}"
        if review.returned:
            text = self.tr("审核退回({0}):{1}\n请按意见修改后保存,下次同步时报给审核人。").format(
                who, review.comment or ""
            )
        elif review.accepted:
            text = self.tr("审核通过({0})").format(who)
        else:
            text = self.tr("审核{0}({1}),此后已修改,待重新审核").format(review.label, who)
        label = QLabel(text)
        label.setObjectName("reviewReturned" if review.returned else "review")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if review.returned:
            label.setStyleSheet(
                "QLabel { color: #a01010; background: #fdf3f3; border: 1px solid #a01010;"
                " padding: 6px; }"
            )
        return label

    def _flag_label(self, flag: Flag) -> str:
        match flag:
            case Flag.MARGINAL:
                return self.tr("边缘户")
            case Flag.MONITORED:
                return self.tr("脱贫监测户")
            case Flag.AWAY:
                return self.tr("整户长期外出")
        return str(flag)

    def _members_table(self) -> QTableWidget:
        headers = [
            self.tr("姓名"),
            self.tr("与户主关系"),
            self.tr("性别"),
            self.tr("年龄"),
            self.tr("证件类型"),
            self.tr("证件号码"),
        ]
        members = self.detail.members
        table = QTableWidget(len(members), len(headers), self)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        relation, sex, id_type = (
            ui_code_table("relation"),
            ui_code_table("sex"),
            ui_code_table("id_type"),
        )
        for r, member in enumerate(members):
            age = age_on(member.birth_date, self._today) if member.birth_date else None
            cells = [
                member.name,
                relation.label(member.relation) if member.relation else "",
                sex.label(member.sex) if member.sex else "",
                "" if age is None else str(age),
                id_type.label(member.id_type) if member.id_type else "",
                mask_id_number(member.id_number),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table
