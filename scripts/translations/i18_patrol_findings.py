"""Chinese for the texts of issue 18, items 3 and 4 (patrol findings, what stewards and teams achieved).

    scripts/merge-translations scripts/translations/i18_patrol_findings.py
"""
ZH = {
    # Patrol findings: the checklist's "report it", the draft, the API's refusals.
    "Report it": "上报此问题",
    "Reported: %(count)s": "已上报 %(count)s 条",
    "Found on this patrol: %(item)s": "本次寻访发现：%(item)s",
    "patrol_client_id must be the UUID of a patrol made by the app.": "patrol_client_id 必须是应用生成的寻访 UUID。",
    "A checklist item is reported from its patrol.": "检查项需在其所属的寻访中上报。",
    "That patrol is someone else's.": "这次寻访不是您的。",
    # My patrols.
    "My patrols": "我的寻访",
    "My patrols: the cases they raised, what I achieved": "我的寻访：发现的问题和工作成效",
    "Another period": "其他时间段",
    "Found on a patrol not sent yet": "寻访尚未发送时发现的问题",
    "The patrol is still on the phone (or was cancelled). These cases are filed; they join their patrol when it "
    "arrives.": "这次寻访还保存在手机上（或已取消）。这些问题已经立案，寻访发送后会归入该次寻访。",
    "covered, %(hours)s h": "已走完，计 %(hours)s 小时",
    "not covered": "未走完",
    ("%(num)d case raised", "%(num)d cases raised"): ("发现问题 %(num)d 件",),
    "Problems noted, not reported": "已记录、未上报的问题",
    "No problems found.": "未发现问题。",
    "No patrols yet.": "还没有寻访记录。",
    "Start a patrol from an alley you look after on the map. A problem you tick on the checklist can be reported "
    "in one tap, and the case is listed here with its patrol.":
        "在地图上从您认领的胡同开始寻访。检查时勾选“有问题”的项目，一键即可上报，案件会和这次寻访一起列在这里。",
    "Found": "发现于",
    "on a patrol": "日常寻访",
    # What stewards and teams achieved.
    "Problems handled": "处理问题",
    "Problems handled on the spot (劝导): %(on_the_spot)s; passed up to the street chief: %(escalated)s; resolved "
    "and confirmed by residents: %(confirmed)s.":
        "劝导解决问题%(on_the_spot)s起，上报街巷长%(escalated)s起，问题解决并经居民确认%(confirmed)s起。",
    "Escalated": "上报",
    "Resolved and confirmed": "解决并经确认",
    "Whole year": "全年",
    "Unknown column to sort by.": "无法按这一列排序。",
    "Problems from": "问题统计起始日",
    "to": "至",
    "Problems counted: %(period)s": "问题统计期间：%(period)s",
    "On the spot": "劝导",
    "Problems handled on the spot (劝导)": "现场劝导解决的问题",
    "Problems passed up to the street chief": "上报街巷长的问题",
    "Problems passed up, then resolved and confirmed by the reporter": "上报后已解决并经上报人确认的问题",
    "What the team achieved": "队伍工作成效",
    "Counted while each volunteer was in the team, former members included. A case counts once.":
        "按每位志愿者在队期间统计，含已离队的成员；同一案件只计一次。",
}
