"""Chinese for issue 18, items 1 (街巷长 per alley) and 7 (kind of request): scripts/merge-translations reads ZH."""
ZH = {
    # Kind of request (12345's four kinds)
    "Kind of request set": "已设定诉求类型",
    "Consultation (咨询)": "咨询",
    "Suggestion (建议)": "建议",
    "Report of a violation (举报)": "举报",
    "Complaint (投诉)": "投诉",
    "Not recorded": "未记录",
    "Please choose the kind of request.": "请选择诉求类型。",
    "Please choose the kind of request from the list.": "请从列表中选择诉求类型。",
    "Kind of request": "诉求类型",
    "12345's four kinds: it counts in the street's figures.": "按 12345 的四类诉求划分，计入街道的统计。",
    "Set the kind": "设定类型",
    "The case is already marked as this kind of request.": "该案件已是这一诉求类型。",
    "All kinds": "全部类型",
    # Alley chiefs
    "Please choose a chief from the list.": "请从列表中选择一位街巷长。",
    "%(name)s is now the chief of %(alley)s.": "%(name)s 现为%(alley)s的街巷长。",
    "%(alley)s has no chief of its own now.": "%(alley)s现在没有专属街巷长。",
    "mine must be 1 or 0.": "mine 只能是 1 或 0。",
    "Please give the phone number the street publishes for this chief.": "请填写街道为这位街巷长公示的电话。",
    "The phone number may have only digits, spaces and dashes (5 to 20 characters).":
        "电话号码只能包含数字、空格和横线（5 到 20 个字符）。",
    "Only a street chief of this street can be put in charge of its alleys.": "只有本街道的街巷长才能负责本街道的胡同。",
    "%(name)s is already the chief of %(alley)s.": "%(name)s 已经是%(alley)s的街巷长。",
    "Someone else changed this alley's chief at the same moment. Please look again.":
        "有人在同一时间更换了这条胡同的街巷长，请重新查看。",
    "%(alley)s has no chief at the moment.": "%(alley)s目前没有街巷长。",
    "Chief of this alley": "本巷街巷长",
    "Alley chiefs": "街巷长",
    "Each alley has one chief (街巷长) at a time. Their name and the phone number you give here are on the alley "
    "sheet of the map for everyone, like the sign in the alley. Alleys without a chief of their own are looked "
    "after by the street chiefs as a whole.":
        "每条胡同同一时间只有一位街巷长。这里填写的姓名和电话会显示在地图的胡同信息里，所有人都能看到，"
        "就像胡同口的公示牌。没有专属街巷长的胡同由街道的街巷长统一负责。",
    "%(without)s of %(alleys)s alleys have no chief of their own.": "%(alleys)s 条胡同中有 %(without)s 条没有专属街巷长。",
    "This street has no street chief yet. Invite one (role: Street and Alley Chief) on the Volunteers page first.":
        "本街道还没有街巷长。请先在“志愿者”页面邀请（角色：街巷长）。",
    "Appoint": "任命",
    "Change chief": "更换",
    "End assignment": "卸任",
    "History": "历任",
    "since %(day)s": "自 %(day)s 起",
    "No chief of its own": "无专属街巷长",
    "Chief for %(alley)s": "%(alley)s的街巷长",
    "Choose a chief": "选择街巷长",
    "Phone on the sign of %(alley)s": "%(alley)s公示牌上的电话",
    "Phone on the sign": "公示电话",
    ("%(num)s earlier chief", "%(num)s earlier chiefs"): ("前任 %(num)s 位",),
    "ended by %(name)s": "由 %(name)s 解除",
    "Alleys without a chief": "没有街巷长的胡同",
    "No alley chief (街巷长) of their own: the street chiefs answer for them as a whole.":
        "这些胡同没有专属街巷长，由街道的街巷长统一负责。",
    "Assign alley chiefs": "任命街巷长",
    "Every alley has a chief of its own.": "每条胡同都有专属街巷长。",
}
