from decimal import Decimal

from jiedan.profiles import services


def details(**overrides) -> services.ProfileDetails:
    values = {
        "headline": "Brand designer for tea shops",
        "bio": "I design brands." * 10,
        "hourly_rate": Decimal("200"),
        "currency": "CNY",
        "languages": ["zh", "en"],
        "city": "杭州",
        "service_mode": "remote",
        "service_radius_km": None,
        "availability": "part_time",
        "years_experience": 6,
        "visibility": "public",
        "allow_promotion": False,
    }
    values.update(overrides)
    return services.ProfileDetails(**values)


def item_details(**overrides) -> services.PortfolioDetails:
    values = {
        "title": "Tea shop rebrand",
        "challenge": "Old logo unreadable on cups.",
        "solution": "New mark and packaging system.",
        "result": "Sales up 30% in two months.",
        "category_id": None,
        "skill_ids": [],
    }
    values.update(overrides)
    return services.PortfolioDetails(**values)
