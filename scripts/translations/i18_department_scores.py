"""Chinese for the street's scores of its departments (issue 18, item 6): the case page, /department, the scorecard."""
ZH = {
    # the case page: the chief scores each whistled department
    "Score the departments (评价)": "为部门评分（评价）",
    "Once the case is resolved, you score here how each whistled department did its part.":
        "案件办结后，您在这里为每个被吹哨部门的工作评分。",
    "For the district appraisal (考核): 5 is very good, 1 very poor. Departments see their own scores.":
        "用于区级考核：5 分为很好，1 分为很差。各部门只能看到本部门的评分。",
    "On time (到场及时)": "到场及时",
    "Attitude (工作态度)": "工作态度",
    "Result (处置效果)": "处置效果",
    "Came within the deadline and stayed until it was done": "按时限到场，事不完、人不撤",
    "Worked with the street and the residents": "与街道和居民配合良好",
    "The problem is really settled": "问题真正解决了",
    "On site at %(time)s": "%(time)s 到场",
    "Never reported on site": "未报到",
    "part done at %(time)s": "%(time)s 完成本部门工作",
    "Scored %(average)s of 5": "评分 %(average)s / 5",
    "by %(name)s, %(time)s": "%(name)s，%(time)s",
    ("corrected %(num)s time", "corrected %(num)s times"): ("已更正 %(num)s 次",),
    "Correct the score": "更正评分",
    "Save the score": "保存评分",
    "Earlier versions": "以前的版本",
    "Score saved: %(department)s": "评分已保存：%(department)s",
    "Already saved as it is: %(department)s": "评分已保存，没有改动：%(department)s",
    # errors
    "That department was not whistled on this case.": "本案没有向这个部门吹哨。",
    "Please give each mark as a whole number from %(low)d to %(high)d.": "请为每一项打 %(low)d 到 %(high)d 的整数分。",
    "A comment may have at most %(n)d characters.": "评语最多 %(n)d 个字。",
    "Departments are scored once the case is resolved.": "案件办结后才能为部门评分。",
    "Please give the month as YYYY-MM.": "请按 YYYY-MM 的格式填写月份。",
    # the department's page
    "The street's scores of our work": "街道对本部门工作的评分",
    "Each mark from 1 (very poor) to 5 (very good), given by the street chief once the case was resolved.":
        "每项 1 分（很差）到 5 分（很好），由街巷长在案件办结后打分。",
    "On time": "到场及时",
    "Attitude": "工作态度",
    "Result": "处置效果",
    "Average": "平均分",
    "corrected": "已更正",
    "No scores yet: the street chief scores your part once a case is resolved.": "还没有评分：案件办结后，街巷长会为本部门的工作评分。",
    # the monthly scorecard
    "Department scorecard": "部门考核表",
    "Department scorecard (考核)": "部门考核表",
    "not scored": "未评分",
    "Download xlsx": "下载 xlsx",
    "Cases received %(from)s – %(to)s": "受理时间 %(from)s – %(to)s",
    "The street's departments this month": "本月街道各部门",
    "The chief's scores (1–5)": "街巷长评分（1–5）",
    "The chief's scores": "街巷长评分",
    "No department was whistled on a case received this month.": "本月受理的案件没有向任何部门吹哨。",
    "A department's whistles reported on site (报到) by their deadline (30 minutes for the usual whistle), over its whistles due.":
        "部门在时限内（一般为 30 分钟）报到的吹哨次数，除以已到期的吹哨次数。",
    "For a department: the cases it was whistled to.": "对部门而言：按向其吹哨的案件计算。",
    "Once a case is resolved, the street chief scores each whistled department: on time, attitude and result, each from 1 (very poor) to 5 (very good). The average weighs the three marks the same. A corrected score counts as it stands now; its earlier versions stay on the case page.":
        "案件办结后，街巷长为每个被吹哨部门评分：到场及时、工作态度、处置效果，每项 1 分（很差）到 5 分（很好）。平均分中三项权重相同。更正过的评分按最新的计算，以前的版本保留在案卷页上。",
    "A case counts in the month it was received (Beijing time), as it stands now, like every rate of the dashboard.":
        "与看板上的各项比率一样，案件按受理当月（北京时间）计入，按其当前状态统计。",
    "Whistles due": "到期吹哨",
    "On site in time": "按时报到",
    "On-site rate": "按时报到率",
    "Scores": "评分数",
    "On time (average)": "到场及时（平均）",
    "Attitude (average)": "工作态度（平均）",
    "Result (average)": "处置效果（平均）",
    "Average score": "平均分",
    "Street total": "街道合计",
}
