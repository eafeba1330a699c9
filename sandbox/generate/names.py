"""Chinese personal names: surnames by real frequency, given names, minority names.

Also the traditional forms used by the noise step: only pairs that OpenCC ``t2s``
maps back exactly (a test checks every pair), so a traditional spelling is noise,
never a different name.
"""

from __future__ import annotations

import random
from itertools import accumulate
from typing import Final

# Share per thousand of the population, after the 2020 census surname ranking.
_SURNAMES: Final = (
    ("王", 74),
    ("李", 72),
    ("张", 68),
    ("刘", 54),
    ("陈", 46),
    ("杨", 32),
    ("黄", 23),
    ("赵", 20),
    ("吴", 19),
    ("周", 19),
    ("徐", 14),
    ("孙", 14),
    ("马", 13),
    ("朱", 13),
    ("胡", 12),
    ("郭", 11),
    ("何", 10),
    ("林", 10),
    ("高", 10),
    ("罗", 10),
    ("郑", 9),
    ("梁", 9),
    ("谢", 7),
    ("宋", 7),
    ("唐", 7),
    ("许", 6),
    ("韩", 6),
    ("邓", 6),
    ("冯", 6),
    ("曹", 5),
    ("彭", 5),
    ("曾", 5),
    ("肖", 5),
    ("田", 5),
    ("董", 4),
    ("潘", 4),
    ("袁", 4),
    ("蔡", 4),
    ("蒋", 4),
    ("余", 4),
    ("于", 4),
    ("杜", 4),
    ("叶", 4),
    ("程", 4),
    ("魏", 3),
    ("苏", 3),
    ("吕", 3),
    ("丁", 3),
    ("任", 3),
    ("卢", 3),
    ("姚", 3),
    ("沈", 3),
    ("钟", 3),
    ("姜", 3),
    ("崔", 3),
    ("谭", 3),
    ("陆", 2),
    ("范", 2),
    ("汪", 2),
    ("廖", 2),
    ("石", 2),
    ("金", 2),
    ("韦", 2),
    ("贾", 2),
    ("夏", 2),
    ("付", 2),
    ("方", 2),
    ("邹", 2),
    ("熊", 2),
    ("白", 2),
    ("孟", 2),
    ("秦", 2),
    ("邱", 2),
    ("侯", 2),
    ("江", 2),
    ("尹", 2),
    ("薛", 2),
    ("闫", 2),
    ("段", 2),
    ("雷", 2),
    ("龙", 2),
    ("黎", 2),
    ("史", 2),
    ("陶", 2),
    ("贺", 2),
    ("毛", 1),
    ("郝", 1),
    ("顾", 1),
    ("龚", 1),
    ("邵", 1),
    ("万", 1),
    ("覃", 1),
    ("武", 1),
    ("钱", 1),
    ("戴", 1),
    ("严", 1),
    ("欧阳", 1),
    ("司马", 1),
    ("上官", 1),
)
_SURNAME_LIST: Final = tuple(s for s, _ in _SURNAMES)
_SURNAME_CUM: Final = tuple(accumulate(w for _, w in _SURNAMES))

_MALE: Final = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
_FEMALE: Final = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"

# Uyghur given names and patronymics; written with a separator between the parts.
_MINORITY_FIRST_M: Final = (
    "买买提",
    "艾力",
    "阿卜杜拉",
    "吐尔逊",
    "艾合买提",
    "努尔兰",
    "玉素甫",
    "热合曼",
    "伊力哈木",
    "亚森",
)
_MINORITY_FIRST_F: Final = (
    "阿依古丽",
    "古丽娜尔",
    "热依拉",
    "帕提古丽",
    "再努尔",
    "米娜瓦尔",
    "努尔古丽",
    "阿曼古丽",
)
_MINORITY_LAST: Final = (
    "买买提",
    "艾力",
    "吐尔逊",
    "阿不都",
    "库尔班",
    "司马义",
    "依明",
    "托合提",
    "阿木提",
    "卡德尔",
)

_ETHNIC_HAN_SHARE: Final = 0.9
_OTHER_ETHNICITIES: Final = ("彝族", "白族", "哈尼族", "傣族", "回族", "苗族", "壮族", "纳西族")

SEPARATOR: Final = "·"
SEPARATOR_VARIANTS: Final = (".", "•", "・", "．")

TRADITIONAL: Final = {
    "刘": "劉",
    "陈": "陳",
    "张": "張",
    "杨": "楊",
    "黄": "黃",
    "赵": "趙",
    "吴": "吳",
    "孙": "孫",
    "马": "馬",
    "郑": "鄭",
    "谢": "謝",
    "韩": "韓",
    "邓": "鄧",
    "冯": "馮",
    "许": "許",
    "罗": "羅",
    "萧": "蕭",
    "叶": "葉",
    "苏": "蘇",
    "吕": "呂",
    "卢": "盧",
    "钟": "鍾",
    "谭": "譚",
    "陆": "陸",
    "龚": "龔",
    "邹": "鄒",
    "贺": "賀",
    "顾": "顧",
    "钱": "錢",
    "严": "嚴",
    "韦": "韋",
    "伟": "偉",
    "刚": "剛",
    "军": "軍",
    "东": "東",
    "龙": "龍",
    "华": "華",
    "红": "紅",
    "兰": "蘭",
    "凤": "鳳",
    "丽": "麗",
    "国": "國",
    "辉": "輝",
    "飞": "飛",
    "涛": "濤",
    "鹏": "鵬",
    "兴": "興",
    "义": "義",
    "贵": "貴",
    "顺": "順",
    "达": "達",
    "进": "進",
    "庆": "慶",
    "胜": "勝",
    "学": "學",
    "宁": "寧",
    "云": "雲",
    "莲": "蓮",
    "艳": "艷",
    "买": "買",
    "尔": "爾",
    "热": "熱",
    "娅": "婭",
    "瑶": "瑤",
    "颖": "穎",
    "岚": "嵐",
    "婵": "嬋",
    "号": "號",
    "组": "組",
    "区": "區",
    "乡": "鄉",
    "镇": "鎮",
    "县": "縣",
    "园": "園",
    "桥": "橋",
    "门": "門",
    "湾": "灣",
    "坝": "壩",
    "营": "營",
}
"""Simplified → traditional, one character each."""


def traditional(text: str) -> str:
    """The text in traditional characters where this table knows them."""
    return "".join(TRADITIONAL.get(ch, ch) for ch in text)


def surname(rng: random.Random) -> str:
    """A surname drawn by its share of the population."""
    return rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]


def given(rng: random.Random, male: bool) -> str:
    """A given name of one or two characters."""
    pool = _MALE if male else _FEMALE
    if rng.random() < 0.3:
        return rng.choice(pool)
    return rng.choice(pool) + rng.choice(pool)


def ethnicity(rng: random.Random) -> str:
    """A 民族 for a person who is not given a separator name."""
    return "汉族" if rng.random() < _ETHNIC_HAN_SHARE else rng.choice(_OTHER_ETHNICITIES)


def minority_name(rng: random.Random, male: bool) -> str:
    """A Uyghur name with its parts joined by the standard separator ``·``."""
    first = rng.choice(_MINORITY_FIRST_M if male else _MINORITY_FIRST_F)
    return first + SEPARATOR + rng.choice(_MINORITY_LAST)
