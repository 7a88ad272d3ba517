from ninja import Schema


class SkillBriefOut(Schema):
    slug: str
    name: str
    name_zh: str
    name_en: str


class CategoryOut(Schema):
    slug: str
    name: str
    name_zh: str
    name_en: str
    position: int
    is_local_service: bool
    skills: list[SkillBriefOut]


class SkillOut(SkillBriefOut):
    category: str
    aliases: list[str]
    related: list[str]


class SkillMatchOut(SkillBriefOut):
    category: str
    score: float
    term: str
    exact: bool


class LookupOut(Schema):
    query: str
    results: list[SkillMatchOut]
