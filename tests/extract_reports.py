"""Hand-written annual-report texts for the extraction tests, with every figure and relation they
state.

The districts are invented and so are their numbers; the sentences are written for these tests in
the styles real reports use (achievements in part 一 or 二, full-width or ASCII punctuation,
其中 / 合计 / 占比 sentences, before/after pairs, Chinese numerals, 一是…二是… items, headings
numbered in different ways, tables flattened to text).

Each report is a `Case`: its text, the figures a careful reader takes from it as
(value, unit, kind, qualifier, section), the relations it states as (kind, {role: wording}), where
a wording names the figure printed within it (with `#2` for its second occurrence), and the parts
the draft must find.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Fig = tuple[float, str, str, str, str]
Rel = tuple[str, dict[str, str | list[str]]]


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    figures: list[Fig]
    relations: list[Rel] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)  # sources of the areas
    shortcomings: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    unrecognised: bool = False  # the draft must say the structure was not recognised


# Part 一 is the leaders' duties, achievements are in part 二; full-width punctuation throughout.
YUNTANG = Case(
    name="yuntang",
    text="""云塘区2024年法治政府建设年度报告

2024年，云塘区围绕建设法治政府的目标，统筹推进各项任务，现将全年情况报告如下。

一、党政主要负责人履行推进法治建设第一责任人职责情况

区委、区政府主要负责同志把法治建设放在心上、抓在手上，全年主持召开法治建设专题会议7次，连续8年把法治建设情况列入年度述职内容。区政府党组连续四年组织述法评议，听取部门法治工作汇报三次。

二、2024年推进法治政府建设主要举措及成效

（一）深化“放管服”改革

一是审批再提速。企业开办时间由3个工作日压缩至1个工作日，不动产登记办理时限从10天缩短到3天。二是监管更精准。开展“双随机、一公开”抽查216次，检查企业1,032家，抽查结果公示率100%。

（二）规范行政执法

全区持证执法人员共计586人，每人完成专题培训40课时，考试通过率95.2%。办结行政处罚案件410件，其中简易程序案件164件，普通程序案件246件。行政执法公示、全过程记录、重大执法决定法制审核、案卷评查实现“四个100%”。

（三）化解行政争议

全年收到行政复议申请152件，同比增长18.6%，依法受理138件，审结131件，审结率94.9%。行政应诉案件合计57件，其中败诉4件，败诉率7.02%。受理法律援助案件，2474件，其中刑事案件593件，占比23.97%。

三、存在的不足

一是部分执法人员程序意识不强。二是基层法律服务力量偏弱，还有12个村没有专职调解员。

四、2025年度工作计划

（一）深入推进依法行政。年内再培训执法人员600人次以上。
（二）提升公共法律服务水平。新建村级法律服务点20个。
""",
    figures=[
        (7, "次", "count", "exact", "一"),
        (8, "年", "count", "exact", "一"),
        (4, "年", "count", "exact", "一"),
        (3, "次", "count", "exact", "一"),
        (1, "个工作日", "count", "exact", "二（一）（一是）"),
        (3, "天", "count", "exact", "二（一）（一是）"),
        (216, "次", "count", "exact", "二（一）（二是）"),
        (1032, "家", "count", "exact", "二（一）（二是）"),
        (100, "%", "rate", "exact", "二（一）（二是）"),
        (586, "人", "count", "exact", "二（二）"),
        (40, "课时", "count", "exact", "二（二）"),
        (95.2, "%", "rate", "exact", "二（二）"),
        (410, "件", "count", "exact", "二（二）"),
        (164, "件", "count", "exact", "二（二）"),
        (246, "件", "count", "exact", "二（二）"),
        (100, "%", "rate", "exact", "二（二）"),
        (152, "件", "count", "exact", "二（三）"),
        (138, "件", "count", "exact", "二（三）"),
        (131, "件", "count", "exact", "二（三）"),
        (94.9, "%", "rate", "exact", "二（三）"),
        (57, "件", "count", "exact", "二（三）"),
        (4, "件", "count", "exact", "二（三）"),
        (7.02, "%", "rate", "exact", "二（三）"),
        (2474, "件", "count", "exact", "二（三）"),
        (593, "件", "count", "exact", "二（三）"),
        (23.97, "%", "rate", "exact", "二（三）"),
        (12, "个", "count", "exact", "三（二是）"),
        (600, "人次", "count", "at_least", "四（一）"),
        (20, "个", "count", "exact", "四（二）"),
    ],
    relations=[
        ("total", {"total": "410件", "parts": ["164件", "246件"]}),
        ("change", {"current": "152件"}),
        ("rate", {"part": "131件", "whole": "138件", "rate": "94.9%"}),
        ("subset", {"whole": "57件", "parts": ["败诉4件"]}),
        ("rate", {"part": "败诉4件", "whole": "57件", "rate": "7.02%"}),
        ("subset", {"whole": "2474件", "parts": ["593件"]}),
        ("rate", {"part": "593件", "whole": "2474件", "rate": "23.97%"}),
    ],
    areas=["二（一）", "二（二）", "二（三）"],
    shortcomings=["三（一是）", "三（二是）"],
    plans=["四（一）", "四（二）"],
)

# ASCII punctuation, second-level headings numbered 1. directly under the part, a flattened table.
SHIWAN = Case(
    name="shiwan",
    text="""石湾县2024年度法治政府建设工作报告

一、工作成效
1.依法决策有序推进。全年提请县政府常务会议审议重大行政决策事项9项,审查县政府合同67份,标的金额合计2.35亿元。全县共有行政村138个,483个村民小组全部建立调解小组。
2.执法监督持续加强。评查行政执法案卷320卷,发现问题案卷27卷,问题率8.44%。组织行政执法人员旁听庭审五场,培训执法骨干八十余人。
3.矛盾纠纷多元化解。各类调解组织调处纠纷情况如下:
调解组织	件数	成功
人民调解	1650件	1622件
行业调解	230件	221件
全年调解纠纷1650件、230件,合计1880件。信访积案化解率由72%提高到91.5%。
(1)诉源治理。诉前引导分流案件约700件。
二、存在的问题
法治宣传形式较为单一,部分单位依法行政能力仍需提高。
三、下一步打算
1.加快推进县乡两级合法性审查全覆盖。
2.力争行政复议纠错率提高两个百分点。
""",
    figures=[
        (9, "项", "count", "exact", "一1"),
        (67, "份", "count", "exact", "一1"),
        (2.35, "亿元", "count", "exact", "一1"),
        (138, "个", "count", "exact", "一1"),
        (483, "个", "count", "exact", "一1"),
        (320, "卷", "count", "exact", "一2"),
        (27, "卷", "count", "exact", "一2"),
        (8.44, "%", "rate", "exact", "一2"),
        (5, "场", "count", "exact", "一2"),
        (80, "人", "count", "more_than", "一2"),
        (1650, "件", "count", "exact", "一3"),
        (1622, "件", "count", "exact", "一3"),
        (230, "件", "count", "exact", "一3"),
        (221, "件", "count", "exact", "一3"),
        (1650, "件", "count", "exact", "一3"),
        (230, "件", "count", "exact", "一3"),
        (1880, "件", "count", "exact", "一3"),
        (91.5, "%", "rate", "exact", "一3"),
        (700, "件", "count", "approx", "一3（1）"),
        (2, "个百分点", "change", "exact", "三2"),
    ],
    relations=[
        ("rate", {"part": "27卷", "whole": "320卷", "rate": "8.44%"}),
        ("total", {"total": "1880件", "parts": ["1650件#2", "230件#2"]}),
    ],
    areas=["一1", "一2", "一3"],
    shortcomings=["二"],
    plans=["三1", "三2"],
)

# Headings 第一部分 …, one of them worded so that no part reads as achievements, shortcomings or
# plans.
BEIXI = Case(
    name="beixi",
    text="""北溪县人民政府关于2024年度法治建设情况的报告

第一部分 坚持党的全面领导
县政府常务会议专题学法6次。组建三支行政执法辅助队伍，新增法律顾问两名。

第二部分 夯实基层基础
全县15个乡镇均设立公共法律服务站，配备专职人员46名。全年开展“法律明白人”培训九期，参训1200余人次。
""",
    figures=[
        (6, "次", "count", "exact", "一"),
        (3, "支", "count", "exact", "一"),
        (2, "名", "count", "exact", "一"),
        (15, "个", "count", "exact", "二"),
        (46, "名", "count", "exact", "二"),
        (9, "期", "count", "exact", "二"),
        (1200, "人次", "count", "more_than", "二"),
    ],
    areas=["一", "二"],
    unrecognised=True,
)

# Achievements after a 基本情况 part; 分别 lists, a before/after rate, a rate that does not agree
# with its counts, 一是… items inside a section, Chinese numerals and 余/近/超过/以上 hedges.
QINGHE = Case(
    name="qinghe",
    text="""青禾区2024年法治政府建设情况报告

一、基本情况

青禾区辖8个街道，常住人口约46万人。

二、主要做法和成效

（一）严格规范公正文明执法

全年办理行政检查1260次，较上年减少15.4%；涉企检查、行政处罚分别下降21.5%、9.8%。对轻微违法行为依法不予处罚超过300件。全区执法案件办结1150件，其中按期办结1101件，按期办结率95.87%。

（二）强化行政复议和应诉

一是复议主渠道作用增强。行政复议案件纠错率由12.5%降至8.3%。行政机关负责人出庭应诉率连续三年保持100%。二是调解和解更多。通过调解和解结案46件，近九成当事人表示满意。

（三）推进普法和依法治理

建成法治文化阵地二十个，开展送法进企业、进社区活动136场次，覆盖群众3.6万余人。新培育“法治带头人”512名、“法律明白人”1,280名。

三、存在的不足

执法力量配备不均衡，部分街道仅有执法人员5名。

四、2025年工作打算

一是提升执法质效，确保执法案卷优良率90%以上。二是加强队伍建设，全年培训执法人员不少于30学时。
""",
    figures=[
        (8, "个", "count", "exact", "一"),
        (460000, "人", "count", "approx", "一"),
        (1260, "次", "count", "exact", "二（一）"),  # carries −15.4%
        (-21.5, "%", "change", "exact", "二（一）"),
        (-9.8, "%", "change", "exact", "二（一）"),
        (300, "件", "count", "over", "二（一）"),
        (1150, "件", "count", "exact", "二（一）"),
        (1101, "件", "count", "exact", "二（一）"),
        (95.87, "%", "rate", "exact", "二（一）"),
        (8.3, "%", "rate", "exact", "二（二）（一是）"),  # prior 12.5
        (3, "年", "count", "exact", "二（二）（一是）"),
        (100, "%", "rate", "exact", "二（二）（一是）"),
        (46, "件", "count", "exact", "二（二）（二是）"),
        (90, "%", "rate", "nearly", "二（二）（二是）"),
        (20, "个", "count", "exact", "二（三）"),
        (136, "场次", "count", "exact", "二（三）"),
        (36000, "人", "count", "more_than", "二（三）"),
        (512, "名", "count", "exact", "二（三）"),
        (1280, "名", "count", "exact", "二（三）"),
        (5, "名", "count", "exact", "三"),
        (90, "%", "rate", "at_least", "四（一是）"),
        (30, "学时", "count", "at_least", "四（二是）"),
    ],
    relations=[
        ("change", {"current": "1260次"}),
        ("subset", {"whole": "1150件", "parts": ["1101件"]}),
        ("rate", {"part": "1101件", "whole": "1150件", "rate": "95.87%"}),
    ],
    areas=["二（一）", "二（二）", "二（三）"],
    shortcomings=["三"],
    plans=["四（一是）", "四（二是）"],
)


# ---------------------------------------------------------------------------------------------
# Held out: written after the rules were done, in styles the rules were not written against, and
# measured as they came (see docs/extract.md). Not tuned to.

# An overview part first (工作开展情况), 单位 in a table header, 较2023年 comparisons, 占…的,
# ranges.
LANXI = Case(
    name="lanxi",
    text="""澜溪县2024年度法治政府建设情况的报告

按照上级部署，现将我县2024年度法治政府建设情况报告如下：

一、2024年工作开展情况

（一）坚持依法科学民主决策

全年县政府共作出重大行政决策11项，全部履行公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。县政府法律顾问室审核各类合同、协议共计236份，较2023年增加41份，提出修改意见380余条。

（二）着力提升执法水平

2024年1至10月，全县行政执法机关共作出行政处罚决定2,015件，罚没款1.2万元的案件占全部案件的6.5%。开展执法案卷评查两轮，抽查案卷150卷，优秀案卷占比达到32%。推行“首违不罚”清单，涉及事项3-5个领域。

全县行政执法主体情况（单位：个）
县直部门	乡镇	合计
28	9	37

（三）多元化解社会矛盾

县、乡、村三级调解组织共排查化解矛盾纠纷3471件，化解率98.6%，同比上升1.2个百分点。县公共法律服务中心接待群众咨询1.05万人次。12348热线接听来电2600余个。

二、存在的问题

（一）部分乡镇执法力量薄弱，平均每个乡镇执法人员不足4人。
（二）法治宣传的精准度不高。

三、2025年工作思路

力争全县行政复议纠错率控制在15%以内，培训各类执法人员不少于800人次。
""",
    figures=[
        (11, "项", "count", "exact", "一（一）"),
        (236, "份", "count", "exact", "一（一）"),  # with 较2023年增加41份
        (41, "份", "count", "exact", "一（一）"),
        (380, "条", "count", "more_than", "一（一）"),
        (2015, "件", "count", "exact", "一（二）"),
        (6.5, "%", "rate", "exact", "一（二）"),
        (2, "轮", "count", "exact", "一（二）"),
        (150, "卷", "count", "exact", "一（二）"),
        (32, "%", "rate", "exact", "一（二）"),
        (28, "个", "count", "exact", "一（二）"),
        (9, "个", "count", "exact", "一（二）"),
        (37, "个", "count", "exact", "一（二）"),
        (3471, "件", "count", "exact", "一（三）"),
        (98.6, "%", "rate", "exact", "一（三）"),  # with 同比上升1.2个百分点
        (10500, "人次", "count", "exact", "一（三）"),
        (2600, "个", "count", "more_than", "一（三）"),
        (4, "人", "count", "exact", "二（一）"),
        (15, "%", "rate", "exact", "三"),
        (800, "人次", "count", "at_least", "三"),
    ],
    relations=[("total", {"total": "37", "parts": ["28", "9"]})],
    areas=["一（一）", "一（二）", "一（三）"],
    shortcomings=["二（一）", "二（二）"],
    plans=["三"],
)

# Achievements in part 二 after a short preface part, 一是…；二是… inside paragraphs, 缩减为 pairs,
# 人均, money in 万元, 超/达/近 hedges, ordinal and name numbers mixed in.
HEFENG = Case(
    name="hefeng",
    text="""禾丰区人民政府2024年法治政府建设年度报告

一、党政主要负责人履行推进法治建设第一责任人职责情况

区政府主要负责人全年4次专题听取法治政府建设汇报，带头旁听庭审1次，签批法治工作文件22份。

二、主要工作成效

（一）优化法治化营商环境。一是涉企审批再提速，平均办理时间由7个工作日缩减为2个工作日；二是涉企收费再减负，为市场主体减免费用386万元；三是惠企政策再落实，兑现奖补资金1.5亿元，惠及企业近600家。

（二）加强行政复议应诉。全年新收行政复议案件203件，审结196件，审结率96.55%，其中维持138件、撤销21件、确认违法9件、调解和解28件。行政机关负责人出庭应诉87次，出庭应诉率100%。

（三）深化全民普法。开展第十四届“宪法宣传周”活动，组织“送法下乡”活动超200场，发放资料5.8万份，人均受训时长达到6.5小时。区级财政投入普法经费120万元，较上年增长20%。

三、存在的不足

一是执法规范化水平仍需提升；二是少数部门合法性审查走过场。

四、下一年度工作安排

（一）年内完成全区37个村（社区）法律顾问续聘工作。
（二）推动行政复议案件审结率稳定在95%以上。
""",
    figures=[
        (4, "次", "count", "exact", "一"),
        (1, "次", "count", "exact", "一"),
        (22, "份", "count", "exact", "一"),
        (2, "个工作日", "count", "exact", "二（一）（一是）"),  # prior 7
        (386, "万元", "count", "exact", "二（一）（二是）"),
        (1.5, "亿元", "count", "exact", "二（一）（三是）"),
        (600, "家", "count", "nearly", "二（一）（三是）"),
        (203, "件", "count", "exact", "二（二）"),
        (196, "件", "count", "exact", "二（二）"),
        (96.55, "%", "rate", "exact", "二（二）"),
        (138, "件", "count", "exact", "二（二）"),
        (21, "件", "count", "exact", "二（二）"),
        (9, "件", "count", "exact", "二（二）"),
        (28, "件", "count", "exact", "二（二）"),
        (87, "次", "count", "exact", "二（二）"),
        (100, "%", "rate", "exact", "二（二）"),
        (200, "场", "count", "over", "二（三）"),
        (58000, "份", "count", "exact", "二（三）"),
        (6.5, "小时", "count", "exact", "二（三）"),
        (120, "万元", "count", "exact", "二（三）"),  # with 较上年增长20%
        (37, "个", "count", "exact", "四（一）"),
        (95, "%", "rate", "at_least", "四（二）"),
    ],
    relations=[
        ("rate", {"part": "审结196件", "whole": "203件", "rate": "96.55%"}),
        (
            "total",
            {"total": "审结196件", "parts": ["138件", "21件", "确认违法9件", "调解和解28件"]},
        ),
        ("change", {"current": "120万元"}),
    ],
    areas=["二（一）", "二（二）", "二（三）"],
    shortcomings=["三（一是）", "三（二是）"],
    plans=["四（一）", "四（二）"],
)
