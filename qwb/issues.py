"""Every problem qwb reports is an :class:`Issue`: data, not prints.

Each kind of problem is a small class with a stable ``code`` (kebab-case,
never changed once released), a severity, a Chinese title, a description and
the fix. ``docs/issue-codes.md`` is generated from these classes.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass
class Issue:
    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    unit: str = ""
    indicator: str = ""
    key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data.pop("key")
        return {k: data[k] for k in ("severity", "code", "file", "sheet", "cell", "unit", "indicator", "message")}

    @property
    def where(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        return " ".join(parts)


#: what each severity is called for people, and the mark printed before it (terminal, console cell)
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_SYMBOLS = {"error": "✗", "warning": "!", "info": "i"}

#: the fields of an Issue that say where it is; every other keyword of IssueType.new fills the message
LOCATION = ("file", "sheet", "cell", "unit", "indicator", "key")


class IssueType:
    """One kind of problem. ``message`` is the template of what a person reads: its ``{names}`` are filled
    from the keywords given to :meth:`new` (location keywords fill it too, and also place the issue)."""

    code: ClassVar[str]
    severity: ClassVar[str] = "error"
    message: ClassVar[str] = "{detail}"
    title: ClassVar[str]
    description: ClassVar[str]
    fix: ClassVar[str]
    example: ClassVar[str] = ""

    @classmethod
    def new(cls, **fields: Any) -> Issue:
        where = {k: str(fields.pop(k)) for k in LOCATION if k in fields}
        return Issue(cls.code, cls.severity, cls.message.format(**where, **fields), extra=fields, **where)

    @classmethod
    def text(cls, **fields: Any) -> str:
        """The message an issue of this type shows for these values (what tests compare against)."""
        return cls.new(**fields).message


REGISTRY: dict[str, type[IssueType]] = {}


def issue_type(cls: type[IssueType]) -> type[IssueType]:
    REGISTRY[cls.code] = cls
    return cls


# --- values in returns --------------------------------------------------------


@issue_type
class MissingValue(IssueType):
    code = "missing-value"
    severity = "warning"
    message = "{label} 未填写"
    title = "未填写"
    description = "必填的填报值为空。该指标本期按 0 分计，单位标记为“未填完”。"
    fix = "在 填报值 列填写该项；确实不涉及的，若指标允许，在“合理缺项”行选“是”。"
    example = "liyang|20|Y|数值 为空"


@issue_type
class InvalidNumber(IssueType):
    code = "invalid-number"
    message = "{label}：{reason}"
    title = "不是数字"
    description = "数值类填报项中填写了无法识别为数字的内容。该值不计分。"
    fix = "填写数字，如 95、95%、0.95；可以用全角数字或中文数字（九十五）。"
    example = "“约九成” 填在 合格率 中"


@issue_type
class InvalidChoice(IssueType):
    code = "invalid-choice"
    message = "{label}：{reason}"
    title = "不是可选项"
    description = "选项类或 是/否 填报项中的内容不在下拉列表中。该值不计分。"
    fix = "从下拉列表中选择；不要自行输入近似的文字。"
    example = "“基本完成” 而可选项为 完成、部分完成、未完成"


@issue_type
class OutOfRange(IssueType):
    code = "out-of-range"
    message = "{label}：{reason}"
    title = "超出范围"
    description = "数值超出允许范围，例如直接打分大于该项分值，或次数为负。该值不计分。"
    fix = "按单元格提示的范围填写。"
    example = "分值 4 分的指标填了 得分 5"


@issue_type
class NotWholeNumber(IssueType):
    code = "not-whole-number"
    message = "{label}：{reason}"
    title = "应为整数"
    description = "次数、个数类填报项填了小数。该值不计分。"
    fix = "填写 0、1、2 等整数。"
    example = "次数 填了 1.5"


@issue_type
class OffStep(IssueType):
    code = "off-step"
    message = "{label}：{reason}"
    title = "不符合计分步长"
    description = "直接打分的指标规定了步长（如 0.5 分），填写的分数不是步长的整数倍。该值不计分。"
    fix = "按步长填写，如 2、2.5、3。"
    example = "步长 0.5 的指标填了 2.3"


@issue_type
class FormulaInValue(IssueType):
    code = "formula-in-value"
    message = "{label}：{reason}"
    title = "填报值是公式"
    description = "填报值单元格中是公式或以 = + - @ 开头的文字。qwb 从不计算退回文件中的公式。"
    fix = "删除公式，直接填写数值或选项。"
    example = "=A1*2"


@issue_type
class FormulaResult(IssueType):
    code = "formula-result"
    severity = "warning"
    message = "编码 {key} 的填报值是公式“={formula}”，已采用文件中保存的计算结果 {value}；请核对，并尽量直接填写数值。"
    title = "填报值是公式（采用计算结果）"
    description = ("填报值单元格中是公式（如把几项分数相加），文件中保存了它的计算结果。qwb 不计算公式，"
                   "采用文件中保存的结果并提示。")
    fix = "核对计算结果；最好直接填写数值。"
    example = "=3+0.5，保存的结果 3.5"


@issue_type
class ErrorValueInCell(IssueType):
    code = "error-value"
    message = "{label}：{reason}，该值不计分"
    title = "错误值"
    description = "填报值单元格显示 #DIV/0!、#N/A、#VALUE! 等错误值（多为公式出错）。该值不计分，不按“未填写”处理。"
    fix = "改正公式或直接填写数值。"
    example = "#DIV/0!"


@issue_type
class NaNotAllowed(IssueType):
    code = "na-not-allowed"
    message = "指标 {indicator} 不允许合理缺项"
    title = "不允许合理缺项"
    description = "该指标的考核细则不允许合理缺项，但退回文件中出现了合理缺项的填报。该填报被忽略。"
    fix = "删除该行，按实际情况填写该指标。"
    example = "liyang|20|Y|合理缺项 = 是"


@issue_type
class UnknownKey(IssueType):
    code = "unknown-key"
    severity = "warning"
    title = "无法识别的编码"
    description = "编码不属于本考核方案（单位、指标、时间节点或填报项不存在）。该行被忽略。"
    fix = "不要修改 编码 列；使用本年度下发的模板重新填写。"
    example = "liyang|99|Y|数值"


@issue_type
class DuplicateKey(IssueType):
    code = "duplicate-key"
    message = "编码 {key} 重复出现（{cells}）且值不同，均不采用，请删除重复的行。"
    title = "编码重复"
    description = "同一编码在一个文件中出现多次（例如复制了行），且各行的值不同。均不采用。"
    fix = "删除重复的行，只保留一行。"
    example = "liyang|20|Y|数值 出现在第 12 行和第 40 行"


@issue_type
class DuplicateSameValue(IssueType):
    code = "duplicate-same-value"
    severity = "warning"
    message = "编码 {key} 重复出现（{cells}），各行值相同，取其一。"
    title = "编码重复（值相同）"
    description = "同一编码在一个文件中出现多次（例如复制了行），各行的值相同。取其一，照常计分。"
    fix = "删除重复的行，只保留一行。"
    example = "liyang|20|Y|数值 在第 12 行和第 40 行都填了 95%"


@issue_type
class MissingRows(IssueType):
    code = "missing-rows"
    message = "模板应有 {expected} 行，缺少 {absent} 行（{sample}），这些项按未填写处理。请勿删除行。"
    title = "缺少填报行"
    description = "模板中应有的填报行在退回文件中找不到（行被删除）。"
    fix = "使用原模板重新填写，不要删除行。"
    example = "应有 150 行，找到 148 行"


@issue_type
class NewItems(IssueType):
    code = "new-items"
    severity = "warning"
    message = ("方案在本模板下发后新增了指标 {items}：本文件没有这些行（不是贵单位删除的），这些项暂按未填写计。"
               "请用新下发的模板补报这些指标。")
    title = "方案新增的指标"
    description = "退回文件所用的模板早于方案的修改，方案新增的指标在文件中没有对应的行。这些项按未填写处理，但不是填报单位的错误。"
    fix = "用新模板补报新增的指标（或由质强办在核查调整中补录）。"
    example = "方案下发后新增指标 3.4"


@issue_type
class OtherScheme(IssueType):
    code = "other-scheme"
    message = "这是“{other_name}”（{other_id}）的模板，不是本次考核 {scheme} 的模板，请用本年度下发的模板重新填写。"
    title = "不是本方案的模板"
    description = "退回文件属于另一个考核方案或另一年度（例如用了去年的模板）。文件不被采用。"
    fix = "使用本年度下发的模板重新填写。"
    example = "模板方案 changzhou-2015，本次考核 changzhou-2016"


@issue_type
class ChangedScheme(IssueType):
    code = "changed-scheme"
    severity = "warning"
    message = "模板下发后方案有修改（方案指纹不同）{changes}。仍按编码读取，请核对。"
    title = "模板生成后方案有修改"
    description = "退回文件的方案指纹与当前方案不同（方案在模板下发后改过）。仍按编码读取。"
    fix = "核对修改过的指标；必要时重新下发模板。"
    example = "指纹 3fa2… ≠ 91bc…"


@issue_type
class UnknownWorkbook(IssueType):
    code = "unknown-workbook"
    title = "无法识别的工作簿"
    description = "文件中没有 qwb 模板的 填报 表或身份信息，无法判断是谁的退回。文件不被采用。"
    fix = "使用下发的模板填写，不要另存为新建的工作簿或删除工作表。"
    example = "一个普通的 Excel 表格"


@issue_type
class IdentityInferred(IssueType):
    code = "identity-inferred"
    severity = "warning"
    message = "身份信息工作表缺失，按内容识别为“{assignee}”的模板，请核对。"
    title = "按内容识别的退回"
    description = "退回文件的隐藏身份信息被删除（例如复制到了新工作簿），qwb 按编码内容识别出是哪个单位的模板。"
    fix = "核对识别结果；以后请直接在下发的模板中填写。"
    example = "复制粘贴到新建工作簿的 填报 表"


@issue_type
class UnreadableFile(IssueType):
    code = "unreadable-file"
    title = "文件无法读取"
    description = "文件损坏、不是 Excel 文件或格式不受支持。文件不被采用，其他文件照常汇总。"
    fix = "在 Excel 或 WPS 中打开确认无误后，另存为 .xlsx 重新提交。"
    example = "一个改了扩展名的 Word 文档"


@issue_type
class EncryptedFile(IssueType):
    code = "encrypted-file"
    title = "文件有打开密码"
    description = "退回文件设置了打开密码（加密），qwb 不会尝试破解。文件不被采用。"
    fix = "在 Excel/WPS 中取消打开密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空）后重新提交。"
    example = "用密码加密的 市场监管局.xlsx"


@issue_type
class UnsupportedFormat(IssueType):
    code = "unsupported-format"
    title = "格式不受支持"
    description = "文件是 qwb 无法读取的格式（如 WPS 的 .et，或扩展名与内容不符的旧版文件）。"
    fix = "另存为 Excel 工作簿（.xlsx）后重新提交。"
    example = "市场监管局.et"


@issue_type
class FileTooLarge(IssueType):
    code = "file-too-large"
    title = "文件超出限制"
    description = "文件大小、解压后大小、压缩比或工作表行列数超出上限（防止压缩炸弹等耗尽内存）。限制可在命令行调整。"
    fix = "删除无关的工作表、行列和图片后另存；确需更大文件时用 --max-* 选项放宽限制。"
    example = "解压后 2 GB 的 xlsx"


@issue_type
class ValueTooLong(IssueType):
    code = "value-too-long"
    message = "编码 {key} 的填报值有 {length} 个字符，超过上限 {limit}，不采用。"
    title = "内容过长"
    description = "单元格文字超过长度上限，该值不采用。"
    fix = "精简内容；详细说明请作为附件提交。"
    example = "一个 10 万字的单元格"


@issue_type
class Superseded(IssueType):
    code = "superseded"
    severity = "warning"
    message = "{why}，本文件不采用。"
    title = "被更新的版本替代"
    description = ("同一模板收到多份退回时逐项合并：每项采用填报日期（其次是文件修改时间）最晚、且该项不为空的一份。"
                   "一份退回的值全部被更晚的退回替代时，标记为已替代。")
    fix = "无需处理；如采用的值不对，删除多余的文件后重新汇总。"
    example = "市场监管局.xlsx 与 市场监管局(1).xlsx"


@issue_type
class KeptEarlierValue(IssueType):
    code = "kept-earlier-value"
    severity = "warning"
    message = ("本文件有 {count} 项留空（{sample}），而同一单位较早的退回填了值：保留较早的值。"
               "如确需清空，请在该项填写 0 或联系质强办。")
    title = "保留较早退回的值"
    description = "同一单位报送了多份退回，较晚的一份把较早一份已填的项留空。逐项合并时保留较早的值，不会因重报而丢失。"
    fix = "核对保留的值；确需改为空白的，联系质强办。"
    example = "半年报填了 3 项，前三季度报的新模板中这 3 项留空"


@issue_type
class NotYetDue(IssueType):
    code = "not-yet-due"
    severity = "warning"
    message = "本文件填写了尚未到期的时间节点（{periods}）的 {count} 项；本次汇总截至“{as_of}”，这些值暂不计分。"
    title = "尚未到期的填报"
    description = "期中汇总（--as-of）只计到期的时间节点；提前填写的后续节点的值暂不计分，到期后的汇总会计入。"
    fix = "无需处理；到期后重新汇总即可。"
    example = "截至 半年 的汇总中，前三季度的值"


@issue_type
class AdjustmentRefused(IssueType):
    code = "adjustment-refused"
    title = "核查调整未采用"
    description = "调整工作簿中的一行没有理由、编码不在本方案中，或调整值不符合该填报项的要求。该行不采用，原值照常计分。"
    fix = "补写理由、改正编码或调整值后重新汇总。"
    example = "编码 liyang|20|Y|数值 的调整没有填写理由"


@issue_type
class MissingReturn(IssueType):
    code = "missing-return"
    severity = "warning"
    message = "{assignee} 的{template}模板尚未提交，其负责的填报项按未填写计。"
    title = "未提交"
    description = "应提交模板的单位尚未提交。其负责的填报项按未填写处理。"
    fix = "催报；收到后重新汇总。"
    example = "统计局 未提交"


@issue_type
class ScoreMismatch(IssueType):
    code = "score-mismatch"
    severity = "warning"
    message = "文件中 得分 为 {stored}，按填报值重新计算为 {computed}（{cause}）；以重新计算的得分为准。"
    title = "文件中的得分与汇总计分不同"
    description = ("退回文件中保存的 得分 与 qwb 重新计算的得分不一致：得分公式被覆盖或改写，或公式仍在但该项填报值"
                   "未被采用（超出范围、错误值等，见该项的其他问题）。qwb 始终以重新计算的得分为准。")
    fix = "不要改动 得分 列；按该项的其他问题改正填报值；如对计分有异议，在 备注 中说明。"
    example = "文件中 得分 4，重新计算为 2（得分公式可能被改动）"
    #: why, by what the 得分 cell holds
    OVERWRITTEN = "得分公式可能被改动"
    REFUSED = "该项填报值未被采用"
    STALE = "得分公式仍在，文件中的计算结果可能未更新或填报值经过调整"


# --- the scheme ---------------------------------------------------------------


@issue_type
class SchemeUnreadable(IssueType):
    code = "scheme-unreadable"
    title = "方案文件无法读取"
    description = "方案文件不存在、不是 YAML/Excel 或格式错误。"
    fix = "检查文件路径和格式。"


@issue_type
class SchemeFormat(IssueType):
    code = "scheme-format"
    title = "方案格式不对"
    description = "缺少必填项或值的类型不对。"
    fix = "按 docs/scheme-format.md 补齐缺少的键，改正值的类型。"


@issue_type
class DuplicateId(IssueType):
    code = "duplicate-id"
    title = "编号重复"
    description = "指标、单位、部门、时间节点或否决项的编号重复。"
    fix = "改成唯一的编号。"


@issue_type
class BadId(IssueType):
    code = "bad-id"
    title = "编号格式不对"
    description = "编号为空、含“|”，或方案/单位/部门编号不是 ASCII 字母数字。"
    fix = "按规则修改编号。"


@issue_type
class UnknownDepartment(IssueType):
    code = "unknown-department"
    title = "部门不存在"
    description = "指标或否决项引用了 departments 中没有的部门。"
    fix = "在 部门 表中增加该部门，或改正编号。"


@issue_type
class UnknownPeriod(IssueType):
    code = "unknown-period"
    title = "时间节点不存在"
    description = "指标引用了 periods 中没有的时间节点。"
    fix = "在 时间节点 表中增加，或改正编号。"


@issue_type
class PeriodRulesMismatch(IssueType):
    code = "period-rules-mismatch"
    title = "分节点规则与时间节点不符"
    description = "指标按时间节点分别写了评分规则（rules），但缺少某个时间节点的规则、多出不考核的节点，或各节点的填报项不同。"
    fix = "为指标的每个时间节点各写一条规则，各节点的填报项名称一致（如都用“选项”）。"
    example = "指标在 半年、年终 考核，rules 只写了 半年"


@issue_type
class UnknownUnit(IssueType):
    code = "unknown-unit"
    title = "单位不存在"
    description = "按单位设定的目标（by_unit）引用了被考核单位表中没有的单位。"
    fix = "改正单位编号，或在 被考核单位 表中增加。"


@issue_type
class OptionAbovePoints(IssueType):
    code = "option-above-points"
    title = "选项分值超过指标分值"
    description = "某个选项（或台阶、通过分）的分值大于指标分值。"
    fix = "降低选项分值或改正指标分值。"


@issue_type
class StepsOutOfOrder(IssueType):
    code = "steps-out-of-order"
    title = "台阶顺序不对"
    description = ">= 的台阶应从高到低排列，<= 的台阶应从低到高排列。"
    fix = "调整台阶顺序。"


@issue_type
class RuleMissingParameter(IssueType):
    code = "rule-missing-parameter"
    title = "规则缺少参数"
    description = "评分规则缺少必需的参数。"
    fix = "补齐参数。"


@issue_type
class RuleBadParameter(IssueType):
    code = "rule-bad-parameter"
    title = "规则参数不对"
    description = "评分规则的参数值无效。"
    fix = "改正参数。"


@issue_type
class RuleUnknownType(IssueType):
    code = "rule-unknown-type"
    title = "未知的规则类型"
    description = "rule.type 不是十种规则类型之一。"
    fix = "使用 choice、direct、target、steps、linear、compare、deduct、bonus、targets、relative 之一。"


@issue_type
class RuleMissing(IssueType):
    code = "rule-missing"
    title = "缺少评分规则"
    description = "指标没有评分规则。"
    fix = "增加 rule。"


@issue_type
class ThresholdOutsideRange(IssueType):
    code = "threshold-outside-range"
    severity = "warning"
    title = "门槛超出取值范围"
    description = "目标值、台阶或线性规则的端点不在该填报项允许的取值范围内，任何有效的填报值都无法达到（或必然越过）它。"
    fix = "核对门槛与单位（95% 写 95），或修改取值范围（range）。"
    example = "单位 %、取值范围 0～100，目标值写了 950"


@issue_type
class IdleDepartment(IssueType):
    code = "idle-department"
    severity = "warning"
    title = "部门不会收到模板"
    description = "部门不负责任何指标，也不认定任何否决项，所以不会收到填报模板（配合单位不单独填报）。"
    fix = "核对指标的“评价部门”是否写错；确实只是配合单位的，可忽略。"
    example = "部门“市统计局”只是指标 20 的配合单位"


@issue_type
class GradesNotDescending(IssueType):
    code = "grades-not-descending"
    title = "等次未按从高到低排列"
    description = "grades 的 min 应严格从高到低。"
    fix = "调整等次顺序。"


@issue_type
class UnknownGrade(IssueType):
    code = "unknown-grade"
    title = "否决等次不存在"
    description = "veto_grade 不是 grades 中的等次。"
    fix = "改为已有的等次名称。"


@issue_type
class GroupSumMismatch(IssueType):
    code = "group-sum-mismatch"
    severity = "warning"
    title = "分组分值与指标合计不符"
    description = "原文标明的分组分值与其下指标分值之和不一致。"
    fix = "核对原文；如属原文不一致，可保留并在 assumptions 中说明。"


@issue_type
class PointsNotStated(IssueType):
    code = "points-not-stated"
    severity = "warning"
    title = "原文未给出分值"
    description = "该指标的分值是编码时的假设。"
    fix = "与质强办核实。"


@issue_type
class FullMarksMismatch(IssueType):
    code = "full-marks-mismatch"
    severity = "warning"
    title = "满分与指标合计不符"
    description = "full_marks 与基本指标分值之和不一致（总分会按比例折算）。"
    fix = "核对原文。"


@issue_type
class NoLowestGrade(IssueType):
    code = "no-lowest-grade"
    severity = "warning"
    title = "最低等次下限大于 0"
    description = "总分低于最低等次下限时没有等次。"
    fix = "把最低等次的 min 设为 0。"


@issue_type
class ZeroPoints(IssueType):
    code = "zero-points"
    severity = "warning"
    title = "指标分值为 0"
    description = "指标分值为 0，不影响总分。"
    fix = "核对原文。"

def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def cell_order(cell: str) -> tuple[int, str]:
    """Sort key of an A1 reference: row first, then column (F12 before B13)."""
    m = re.match(r"([A-Z]+)(\d+)$", cell or "")
    return (int(m.group(2)), m.group(1)) if m else (0, cell or "")


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """File by file, in reading order of the cells, so a person works down a sheet."""
    return sorted(issues, key=lambda i: (i.file, i.sheet, cell_order(i.cell), i.code, i.unit, i.indicator, i.message))


def codes_markdown() -> str:
    """docs/issue-codes.md: every issue code with its meaning, an example and the fix."""
    lines = [
        "# 校验问题代码 / Issue codes",
        "",
        "qwb 报告的每个问题都有一个稳定的代码（英文，跨版本不变）、级别和中文说明。",
        "Every issue qwb reports has a stable code (never changed once released), a severity and a Chinese message.",
        "This page is generated from `qwb/issues.py` (`python -m qwb.issues > docs/issue-codes.md`).",
        "",
        "| 代码 code | 级别 | 名称 | 说明 | 示例 | 如何处理 |",
        "|---|---|---|---|---|---|",
    ]
    for code in sorted(REGISTRY):
        t = REGISTRY[code]
        cells = [f"`{code}`", SEVERITY_NAMES.get(t.severity, t.severity), t.title, t.description, t.example or "—", t.fix]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(codes_markdown(), end="")
