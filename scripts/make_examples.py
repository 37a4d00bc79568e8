"""Writes the binary and non-UTF-8 files of examples/ (run once; the results are committed).

Every text here was written for this project; people and units are fictional.
Needs the test extras (reportlab) besides the project's own dependencies.
"""

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "documents"

LETTER = """尊敬的禾丰区纪委监委领导：

我叫陈秀兰，是禾丰区长宁街道红星社区居民，身份证号和联系电话附在信后。现实名举报禾丰区民政局社会救助科科长马德胜和红星社区居委会主任何丽萍长期克扣低保户救助金的问题。

2023年下半年起，我们社区十几户低保户每月到账的低保金都比批下来的少一百到两百元。我们去社区问，何丽萍说是"统一扣的管理费"，拿不出任何文件。我家老伴残疾，每个月就靠这点钱买药。去年11月我们五户人家一起到区民政局反映，马德胜科长说社区的事他管不了，让我们回去找社区；社区又说钱是区里发的，让我们去找区里。来回跑了四趟，没有任何人给个说法。

另外，何丽萍的弟媳家里开着两间门面，生活条件很好，去年也被评上了低保，社区里大家都有意见。

恳请纪委领导调查核实，把扣我们的钱退回来，对相关人员严肃处理。

此致
敬礼

举报人：陈秀兰
2024年4月2日
"""

DOCX_PARAGRAPHS = [
    "临江市城市管理局局务会议记录",
    "时间：2024年5月8日上午9时　地点：局二楼会议室",
    "主持：局长 宋立平　　记录：办公室 孙婷",
    "议题：研究2024年度环卫作业服务外包项目及市容整治专项经费使用",
    "宋立平：今天主要研究环卫外包的事。方案会前已经发给大家，也征求过各科室意见，请财务科先介绍。",
    "财务科科长 江涛：项目预算一千二百万元，已按规定委托市公共资源交易中心公开招标，招标文件经法律顾问审核。",
    "副局长 邱敏：我同意公开招标方案，建议把作业质量考核结果和付款挂钩。",
    "副局长 贺建军：我有不同意见，去年投诉多的片区建议单独分标段，其他同意。",
    "派驻纪检监察组 唐卫东（列席）：提醒严格执行回避制度，评标专家从专家库随机抽取。",
    "宋立平：大家充分发表了意见，我最后表个态，同意按公开招标推进，贺建军同志的意见请业务科研究后在招标文件中体现。",
    "表决情况：到会5人，同意5人。",
    "议定：按公开招标方案实施，分三个标段；市容整治专项经费按预算执行，季度通报使用情况。",
]
DOCX_TABLE = [
    ("姓名", "职务", "出席情况"),
    ("宋立平", "党组书记、局长", "出席"),
    ("邱敏", "党组成员、副局长", "出席"),
    ("贺建军", "党组成员、副局长", "出席"),
    ("江涛", "财务科科长", "出席"),
    ("唐卫东", "派驻纪检监察组副组长", "列席"),
]

PDF_LINES = [
    "关于白沙镇政府违规发放津补贴和公款吃喝问题的反映",
    "",
    "白沙镇党委、镇政府2023年以来以\"加班补助\"\"考核奖励\"名义，",
    "每月给镇机关干部每人多发一千五百元，资金从镇财政所\"其他支出\"列支。",
    "镇长罗建军多次在镇政府食堂用公款宴请外来客人，饮用高档白酒，",
    "费用以\"会议费\"报销。镇党委书记田志刚知情，从未制止。",
    "以上问题群众早有议论，请上级纪委调查核实。",
    "",
    "一名知情干部",
    "2024年6月",
]


def write_gb18030_letter() -> None:
    (EXAMPLES / "关于禾丰区民政局克扣低保金问题的举报信.txt").write_bytes(LETTER.encode("gb18030"))


def write_docx() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(DOCX_PARAGRAPHS[0])
    document.add_paragraph("参会人员：")
    table = document.add_table(rows=0, cols=3)
    for row in DOCX_TABLE:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    for paragraph in DOCX_PARAGRAPHS[1:]:
        document.add_paragraph(paragraph)
    document.save(EXAMPLES / "临江市城市管理局局务会议记录.docx")


def write_pdf() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(EXAMPLES / "白沙镇群众来信.pdf"))
    pdf.setFont("STSong-Light", 12)
    y = 780
    for line in PDF_LINES:
        pdf.drawString(60, y, line)
        y -= 22
    pdf.save()


def write_broken() -> None:
    """A .docx that was cut off in transfer: the zip has no central directory."""
    whole = (EXAMPLES / "临江市城市管理局局务会议记录.docx").read_bytes()
    (EXAMPLES / "传输中断的会议记录.docx").write_bytes(whole[: len(whole) // 3])


if __name__ == "__main__":
    write_gb18030_letter()
    write_docx()
    write_pdf()
    write_broken()
