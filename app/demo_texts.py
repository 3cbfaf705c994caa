"""The words of the demo history: what people at the two estates write on their phones.

Plain tables, kept apart from the code that plays the history so that the story can be
read (and corrected by someone who knows the work) without reading the simulation.
"""

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢钟"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰志红建国文辉鹏飞波斌宇浩凯晨欣雪梅琳婷云峰"
MOBILE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "186", "187",
                   "188", "177", "133", "189", "180", "199"]
ID_REGIONS = ["440304", "440305", "440306", "440106", "440111", "430102", "430611", "360102",
              "450103", "441581", "445202", "420106", "511025", "350583", "441302"]
OTHER_PLATE_REGIONS = ["粤S", "粤E", "湘A", "赣B", "桂A", "粤L"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

# visitor notes by purpose (the first entry is often used; ``None`` means no note)
VISIT_NOTES = {
    "delivery": ["顺丰快递送件", "京东物流送货上门", "美团外卖", "饿了么外卖", "中通快递", "送桶装水",
                 "盒马鲜生配送", "送家具（已预约）", None, None],
    "contractor": ["电梯维保（季度保养）", "宽带安装（电信）", "燃气公司安检", "空调安装", "消防设施检测",
                   "二次供水水箱清洗", "监控维修", "净水器上门维修"],
    "decoration": ["瓷砖铺贴，已办装修许可证", "水电改造，已办装修许可证", "木工进场", "墙面刷漆",
                   "安装橱柜", "安装防盗窗（已审批）"],
    "housekeeping": ["家政保洁（预约）", "月嫂", "钟点工", "上门开锁（业主在场）"],
    "visit": ["亲友来访", "朋友聚会", "看望老人", "看房（中介陪同）", None, None],
    "other": ["小区健身房体验", "送文件", "社区工作人员入户走访", "抄表"],
}

# Findings on rounds: (checkpoint name, category, severity, description, action on the spot or None).
# A finding with an action may be handled on the spot; one without always needs a follow-up.
DAY_FINDINGS = [
    ("东门岗", "security", "low", "门岗值班员未按规定佩戴工牌", "已当场提醒，值班员立即整改"),
    ("东门岗", "repair", "medium", "东门道闸抬杆电机有异响，遥控抬杆时灵时不灵", None),
    ("西门岗", "security", "low", "外来人员登记本部分记录未填写离开时间", "已当场要求当班人员补填"),
    ("西门岗", "security", "medium", "西门人行通道门禁刷卡后不能自动关闭", None),
    ("地下车库入口", "parking", "medium", "车库入口有私家车临时停放，占用消防通道", "已联系车主，车辆已挪走"),
    ("地下车库入口", "repair", "low", "车库入口减速带一处螺栓松脱", None),
    ("地下车库B区", "repair", "medium", "B区照明灯有3盏不亮，靠近B-056车位一带较暗", None),
    ("地下车库B区", "parking", "low", "B区有电动车在车位旁违规充电", "已劝离并张贴禁止充电提示"),
    ("地下车库B区", "cleaning", "low", "B区通道地面有油污，容易滑倒", None),
    ("1号楼大堂", "cleaning", "low", "大堂玻璃门有较多手印污渍", "已通知保洁员当场擦拭"),
    ("1号楼大堂", "repair", "medium", "1号楼2号电梯轿厢照明灯闪烁", None),
    ("3号楼大堂", "repair", "low", "大堂信报箱有一处门板脱落", None),
    ("3号楼大堂", "other", "low", "大堂公告栏张贴有过期通知和小广告", "已清理过期通知和小广告"),
    ("中心花园", "greenery", "low", "花园东侧草坪有枯黄斑块，疑似喷灌不到位", None),
    ("中心花园", "greenery", "low", "绿篱长得过高，遮挡路灯照明", None),
    ("中心花园", "cleaning", "low", "花园座椅旁有烟头和纸屑", "已当场清理"),
    ("儿童游乐区", "repair", "high", "儿童滑梯扶手螺丝松动，存在安全隐患", None),
    ("儿童游乐区", "cleaning", "low", "沙池内有宠物粪便", None),
    ("消防控制室", "fire", "medium", "消防控制室值班记录表当天未按时填写", "已当场提醒值班员补填"),
    ("配电房", "fire", "medium", "配电房灭火器压力表指针在红区，压力不足", None),
    ("配电房", "security", "low", "配电房门未上锁", "已当场上锁，并告知维修工注意"),
    ("水泵房", "repair", "medium", "2号生活水泵运行有异响", None),
    ("水泵房", "repair", "low", "水泵房地面积水，排水沟有杂物堵塞", None),
    ("垃圾站", "cleaning", "medium", "垃圾站垃圾桶满溢，未按时清运", None),
    ("垃圾站", "cleaning", "low", "垃圾分类桶摆放混乱，厨余桶未加盖", "已整理摆放并盖好桶盖"),
    ("南侧围墙", "security", "medium", "南侧围墙铁艺护栏有一处破损，可钻入", None),
    ("南侧围墙", "greenery", "low", "围墙边杂草丛生，需要清理", None),
]

NIGHT_FINDINGS = [
    ("东门岗", "security", "low", "夜班岗亭值班员在岗时玩手机", "已当场提醒"),
    ("西门岗", "security", "low", "西门岗亭外照明灯不亮", None),
    ("南侧围墙", "security", "medium", "围墙外有两名可疑人员逗留张望", "已上前询问，二人已离开，已通知各岗位留意"),
    ("垃圾站", "repair", "low", "垃圾站照明灯不亮", None),
    ("消防控制室", "fire", "medium", "4号楼消防通道被电动车堵塞", "已联系车主挪走"),
    ("配电房", "security", "low", "配电房门窗未关好", "已关好门窗"),
    ("水泵房", "repair", "low", "水泵房排风扇不转", None),
    ("南侧围墙", "security", "low", "围墙边路灯有两盏不亮", None),
]

# Findings the story needs on given days (no checkpoint: seen between two, never linked).
STUCK_FINDING = ("fire", "high", "3号楼5层消火栓箱内水带缺失，箱门封条已破", None)
CONFLICT_FINDING = ("垃圾站", "other", "medium", "垃圾站旁堆放大量装修垃圾，无人认领", None)
QUIET_FINDINGS = [("cleaning", "low", "2栋地下室楼梯间堆放杂物、积灰严重", None),
                  ("cleaning", "medium", "4栋电梯厅地面有大片油漆污渍", None)]
CONFLICT_NOTES = ("装修垃圾安排保洁员今天清运", "先由保安队长查监控找到装修户，责令其自行清运")
CONFLICT_HANDLING = ("已调取监控，确认是5栋1单元装修户所为，已通知其清运", "装修户已自行清运完毕，现场已恢复")

PATROL_END_NOTES = [
    "巡视完毕，各岗位在岗正常。", "巡视完毕，发现问题已拍照记录。", "巡视完毕，已在晨会上通报。",
    "巡视完毕，园区整体环境良好。", "巡视完毕。",
]
PATROL_MISSED_NOTE = "配电房、水泵房钥匙在维修工处，维修工在外采购，未能进入，下午补查。"
NIGHT_END_NOTES = ["夜间巡更完毕，一切正常。", "夜间巡更完毕，各门岗交接正常。", "巡更完毕。", None]

# What the person a follow-up is given writes: (started note, resolved note) by category.
HANDLING = {
    "repair": [("已到现场查看，需要更换配件", "已更换配件，测试正常"),
               ("已安排维修，先做了临时处理", "已修复，请经理复查"),
               ("已到场检查，问题确认", "维修完毕，现场已清理")],
    "cleaning": [("已安排保洁员处理", "已清理干净，已拍照留存"),
                 ("已通知清运公司", "已清运完毕")],
    "greenery": [("已安排绿化工处理", "已修剪完毕"), ("已调整喷灌时间", "已补水并撒了草种")],
    "security": [("已通知当班保安加强巡查", "已处理完毕，现场恢复正常"),
                 ("已调取监控查看", "已核实处理，已在交接班记录中写明")],
    "fire": [("已联系消防维保单位", "已更换补齐，压力正常"), ("已登记，等维保单位上门", "维保单位已处理完毕")],
    "parking": [("已张贴挪车通知并联系车主", "车主已将车辆挪走"), ("已通知车场岗加强巡查", "已处理")],
    "other": [("已联系相关业主", "已处理完毕，业主表示满意"), ("已安排人员处理", "已处理完毕")],
    "complaint": [("已电话联系业主，约定今天下午上门查看", "已上门处理并回复业主，业主表示认可"),
                  ("已电话联系业主说明情况，约定明天回复", "已按约定回复业主，业主表示理解")],
    "stock": [("已核对出入库单据", "已查明：维修领用未及时登记，已补办出库手续")],
    "patrol": [("已核实漏巡原因", "已补巡，已提醒按路线完整巡视")],
    "visitor": [("已电话联系被访业主核实", "已核实：访客留宿亲友家，业主已确认，已补登记")],
    "complaint_invalid": [("已电话向业主解释：快递柜由快递公司运营，已告知理赔渠道", "业主表示理解，已结案")],
    "complaint_collective": [("已向品质部提交特别事件报告，已联系城管中队", "已逐户上门回复，城管已对夜宵摊进行整治")],
    "complaint_repeat": [("已复查上次维修记录，已约电梯维保单位全面检修", "电梯主板已更换，已回访业主")],
    "no_patrol": [("当天上午在公司参加品质检查会议，未能巡视", "已于次日正常巡视，已说明原因")],
}
STUCK_NOTES = {
    "repair": "配件已报公司采购，到货后处理",
    "fire": "已报维保单位，对方排期中",
    "greenery": "等绿化外包单位排期",
    "cleaning": "清运车辆本周检修，已协调临时车辆",
    "stock": "差异原因还在查，需要对照上月领用单",
}
DEFAULT_STUCK_NOTE = "已知悉，正在协调处理"
OWNER_OPINION = "业主对处理结果表示满意"
CLOSE_NOTES = ["已现场复核，同意关闭", "复查确认已处理，关闭", "已核实，关闭"]
COMPLAINT_CLOSE_NOTES = ["已电话回访业主，业主满意，关闭", "已回访，业主认可处理结果，关闭"]
PUSH_BACK_NOTE = "请今天之内处理完毕并回复，处理后拍照上传"

# Complaints: (day offset, site number, who records it, hh:mm, data); see demo_story. Most reach
# the server before customer service syncs that evening, so the owner is called back in time.
COMPLAINTS = [
    # The earlier weeks of the history's first month (when it reaches back that far).
    (-29, 2, "cs", "10:30", {
        "kind": "valid", "channel": "phone", "unit": "4-1-1001", "owner_name": "何静",
        "owner_phone": "13711198820", "category": "parking",
        "description": "业主来电：地下车库出口道闸经常抬不起来，早高峰排队，要求尽快检修。"}),
    (-27, 1, "cs", "10:15", {
        "kind": "valid", "channel": "phone", "unit": "2-1-503", "owner_name": "赵丽",
        "owner_phone": "13760012345", "category": "parking",
        "description": "业主来电：地下车库B区照明灯坏了好几盏，晚上停车看不清，要求尽快修复。"}),
    (-23, 1, "clerk", "14:20", {
        "kind": "valid", "channel": "hotline", "unit": "5-2-801", "owner_name": "吴刚",
        "owner_phone": "18620013345", "category": "cleaning",
        "description": "业主来电：5栋垃圾桶周末没有及时清运，气味很大。"}),
    (-21, 2, "clerk", "15:00", {
        "kind": "invalid", "channel": "phone", "unit": "4-2-902", "owner_name": "刘芳",
        "owner_phone": "13570093321",
        "description": "业主来电要求物业代缴燃气费。燃气费由燃气公司收取，已告知缴费渠道。"}),
    (-19, 1, "cs", "09:50", {
        "kind": "assisted", "channel": "phone", "unit": "3-1-1202", "owner_name": "孙海涛",
        "owner_phone": "13902218876", "category": "greenery",
        "description": "业主反映：小区北门外市政绿化带杂草丛生，希望物业协调园林部门修剪。"}),
    (-17, 2, "cs", "11:20", {
        "kind": "valid", "channel": "in_person", "unit": "1-1-802", "owner_name": "黄伟",
        "owner_phone": "18688412290", "category": "cleaning",
        "description": "业主到前台反映：1栋电梯轿厢地面有污渍，清洁不到位。"}),
    (-12, 1, "manager", "09:22", {
        "kind": "valid", "channel": "in_person", "unit": "3-2-1101", "owner_name": "陈建国",
        "owner_phone": "13802561234", "category": "repair",
        "description": "巡视时业主反映：3栋2单元电梯近一周经常停在12楼不动，老人上下楼很不方便，要求尽快维修。"}),
    (-8, 1, "lead", "18:35", {
        "kind": "collective", "channel": "in_person", "unit": "5-1-302", "owner_name": "王志强",
        "owner_phone": "13926674411", "households": 8, "category": "other",
        "description": "5栋8户业主到门岗联名反映：小区南门外夜宵摊油烟和噪音扰民到凌晨，要求物业协调城管处理。"}),
    (-4, 1, "manager", "09:35", {
        "kind": "valid", "channel": "phone", "unit": "3-2-1101", "owner_name": "陈建国",
        "owner_phone": "13802561234", "category": "repair", "repeat": -12,
        "description": "业主来电：3栋2单元电梯上次投诉后修过一次，昨晚又停在12楼，要求给出彻底解决方案。"}),
    (-10, 2, "guard", "18:50", {
        "kind": "valid", "channel": "in_person", "unit": "2-1-601", "owner_name": "李秀英",
        "owner_phone": "13632218870", "category": "parking",
        "description": "业主在门岗投诉：地下车库自己的B-112车位连续三天被一辆外地车占用，要求物业处理。"}),
    (-7, 2, "manager", "09:40", {
        "kind": "invalid", "channel": "phone", "unit": "4-2-902", "owner_name": "刘芳",
        "owner_phone": "13570093321",
        "description": "业主来电要求物业赔偿丢失的快递。快递柜为快递公司运营，需向快递公司申请理赔。"}),
    (-3, 2, "cs", "13:15", {
        "kind": "valid", "channel": "written", "unit": "1-1-802", "owner_name": "黄伟",
        "owner_phone": "18688412290", "category": "other",
        "description": "业主书面投诉：楼上1-1-902装修中午12点至14点仍在电钻施工，影响老人孩子午休。"}),
    (-1, 1, "clerk", "09:40", {
        "kind": "valid", "channel": "hotline", "unit": "6-1-201", "owner_name": "赵女士",
        "owner_phone": "13911110201", "category": "security",
        "description": "业主来电：6、7栋之间围墙边昨晚有人翻越进小区，担心安全，要求加强夜间巡逻。"}),
    (-1, 1, "clerk", "11:05", {
        "kind": "valid", "channel": "hotline", "unit": "6-1-502", "owner_name": "钱先生",
        "owner_phone": "13911110502", "category": "security",
        "description": "业主来电：6、7栋之间围墙边昨晚有人翻越进小区，担心安全，要求加强夜间巡逻。"}),
    (-1, 1, "clerk", "13:30", {
        "kind": "valid", "channel": "hotline", "unit": "6-2-301", "owner_name": "孙女士",
        "owner_phone": "13911110301", "category": "security",
        "description": "业主来电：6、7栋之间围墙边昨晚有人翻越进小区，担心安全，要求加强夜间巡逻。"}),
    (-1, 1, "clerk", "15:10", {
        "kind": "valid", "channel": "hotline", "unit": "6-2-1002", "owner_name": "周先生",
        "owner_phone": "13911111002", "category": "security",
        "description": "业主来电：6、7栋之间围墙边昨晚有人翻越进小区，担心安全，要求加强夜间巡逻。"}),
    (-1, 1, "clerk", "17:45", {
        "kind": "valid", "channel": "hotline", "unit": "7-1-401", "owner_name": "吴女士",
        "owner_phone": "13911110401", "category": "security",
        "description": "业主来电：6、7栋之间围墙边昨晚有人翻越进小区，担心安全，要求加强夜间巡逻。"}),
]

FLAG_DESCRIPTION = ("该人员自称找3栋朋友，但说不出门牌号和朋友电话，在3栋楼下徘徊约10分钟。"
                    "姓名与门岗黑名单登记人员一致，已上前询问并劝离，已通知保安队长。")

STOCK_NOTES = {
    "short": "实盘比账面少，可能有领用未登记",
    "over": "实盘比账面多一个，可能是退回未登记",
    "defective": "灯头松动，无法使用",
    "recount": "复盘：重新清点货架和备用箱",
}

# Repair requests (报修) taken by customer service: (day offset, site number, hh:mm, data,
# the visit or None). A visit: (hours after the request, work done, [(item name, quantity)],
# satisfaction, the owner's opinion or None); see demo_story. Orders of weeks before last
# week were approved by the manager on their Monday; last week's wait for this Monday's.
REPAIRS = [
    (-26, 1, "09:30", {"urgency": "normal", "channel": "phone", "unit": "5-2-801", "owner_name": "吴刚",
                       "owner_phone": "18620013345", "description": "楼道声控灯不亮。"},
     (4, "更换楼道声控灯一个，测试正常。", [], "satisfied", None)),
    (-22, 2, "14:10", {"urgency": "urgent", "channel": "in_person", "unit": "2-1-601", "owner_name": "李秀英",
                       "owner_phone": "13632218870", "description": "厨房下水管漏水，已经渗到楼下。"},
     (1, "更换厨房下水管接头，试水无渗漏。", [], "satisfied", "处理及时。")),
    (-18, 1, "10:40", {"urgency": "low", "channel": "phone", "unit": "3-1-1202", "owner_name": "孙海涛",
                       "owner_phone": "13902218876", "description": "阳台晾衣架滑轮卡住。"},
     (30, "更换晾衣架滑轮两个，升降顺畅。", [], "basically", None)),
    (-12, 1, "09:10", {"urgency": "normal", "channel": "phone", "unit": "2-1-503", "owner_name": "赵丽",
                       "owner_phone": "13760012345", "description": "厨房水龙头关不紧，一直滴水。"},
     (3, "更换厨房水龙头一个，试水正常。", [("水龙头", 1)], "satisfied", "师傅来得及时，修得很好。")),
    (-8, 1, "10:25", {"urgency": "urgent", "channel": "in_person", "unit": "3-1-1202", "owner_name": "孙海涛",
                      "owner_phone": "13902218876", "description": "卫生间角阀爆裂漏水，已关总阀，请尽快上门。"},
     (1, "更换卫生间角阀两个，缠生料带，检查无渗漏。", [("角阀", 2), ("电工胶布", 1)], "satisfied", None)),
    (-6, 2, "15:40", {"urgency": "low", "channel": "phone", "unit": "1-2-301", "owner_name": "周敏",
                      "owner_phone": "13580076621", "description": "入户门闭门器失灵，关门很响。"},
     (20, "调整闭门器速度阀，无需更换。", [], "basically", "还是有点响，先这样。")),
    (-2, 1, "16:05", {"urgency": "normal", "channel": "in_person", "unit": "5-2-801", "owner_name": "吴刚",
                      "owner_phone": "18620013345", "description": "客厅两个插座面板没电，空开没有跳闸。"},
     None),
    (0, 2, "09:05", {"urgency": "urgent", "channel": "phone", "unit": "4-1-1001", "owner_name": "何静",
                     "owner_phone": "13711198820", "description": "楼道应急灯不亮，晚上看不清楼梯。"},
     None),
]
REPAIR_RESOLVED_NOTE = "已维修，业主已签字确认。"


# Notes a manager adds to the day's work log (《个人工作日志》) before signing out.
WORKLOG_NOTES = (
    "晨会：安排当日工作，强调高峰期门岗值班。",
    "与客服主管核对本周投诉回访情况。",
    "检查各岗位在岗情况，均正常。",
    "安排保洁对地下车库油污进行专项清理。",
    "与维修工确认下周电梯保养时间。",
    "接待业主来访，解释停车收费调整。",
)

# Morning and weekly meetings (晨会 / 周例会)
MEETING_ASSIGNMENTS = (
    "东门早高峰加强外来人员登记",
    "保洁重点清理地下车库油污",
    "维修工上午检查3号楼屋面渗水",
    "客服回访昨日报修业主",
    "库管核对本月领用单据",
    "保安队长检查消防通道是否畅通",
    "下午安排绿化修剪中心花园",
)
MEETING_SUMMARIES = (
    "昨日巡视一切正常，门岗登记访客完整。",
    "昨日报修3起，均已处理完毕并回访。",
    "昨日发现2栋楼道堆放杂物，已通知业主清理。",
    "昨日投诉1起，已联系业主并约定回复时间。",
    "昨日夜间巡更正常，无异常情况。",
)
MEETING_ABSENCES = ("请假", "调休", "外出采购", "病假")
WEEKLY_ASSIGNMENTS = (
    "本周完成电梯季度保养；周三前提交物资采购计划。",
    "本周重点整治楼道乱堆放；周五前完成消防器材检查。",
    "本周完成月度库存抽查；跟进未关闭的报事。",
)
WEEKLY_SUMMARIES = (
    "上周投诉均已按时回复，报事处理及时率达标；书面考核完成2次。",
    "上周报修全部完工，业主满意；门岗登记规范，无漏登。",
    "上周跟进事项大部分关闭，1项待外单位配合处理。",
)
