"""Reference vocabularies of the registration and profile forms (seed figures 1.1.3, 8.1)."""

ID_TYPES = {
    "id_card": "居民身份证",
    "passport": "护照",
    "hk_macau_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
}

GENDERS = {"male": "男", "female": "女"}

ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
    "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
    "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
    "基诺族", "其他", "外国血统",
)

TITLE_STATUSES = ("已取得", "未取得")
TITLE_LEVELS = ("正高级", "副高级", "中级", "初级", "员级", "无")
EDUCATIONS = ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中等专科", "高中及以下")
POLITICAL_STATUSES = ("中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众")


def all_vocabularies():
    return {
        "id_types": [{"code": k, "label": v} for k, v in ID_TYPES.items()],
        "genders": [{"code": k, "label": v} for k, v in GENDERS.items()],
        "ethnicities": list(ETHNICITIES),
        "title_statuses": list(TITLE_STATUSES),
        "title_levels": list(TITLE_LEVELS),
        "educations": list(EDUCATIONS),
        "political_statuses": list(POLITICAL_STATUSES),
    }
