"""The seven system factors from the article's checklist, in English and Russian.

Loaded into the Factor table by a data migration; the texts here are the source of truth.
"""

FACTORS = [
    {
        "key": "product", "position": 1,
        "name_en": "Product", "name_ru": "Продукт",
        "description_en": "The product is of good quality and in demand.",
        "description_ru": "Продукт качественный и востребованный.",
    },
    {
        "key": "customers", "position": 2,
        "name_en": "Customers", "name_ru": "Клиенты",
        "description_en": "The company knows who its buyers are and, above all, their buying motives.",
        "description_ru": "Компания знает своих покупателей и, главное, их мотивы покупки.",
    },
    {
        "key": "market", "position": 3,
        "name_en": "Market capacity", "name_ru": "Ёмкость рынка",
        "description_en": "The market has room to grow: there are enough customers to grow on.",
        "description_ru": "Рынок позволяет расти: клиентов достаточно для роста продаж.",
    },
    {
        "key": "advantage", "position": 4,
        "name_en": "Competitive advantage", "name_ru": "Конкурентные преимущества",
        "description_en": "The advantages are evident: faster and more attractive than competitors.",
        "description_ru": "Преимущества очевидны: быстрее и привлекательнее, чем у конкурентов.",
    },
    {
        "key": "strategy", "position": 5,
        "name_en": "Sales strategy", "name_ru": "Стратегия продаж",
        "description_en": "The sales strategy is defined and formalised.",
        "description_ru": "Стратегия продаж определена и формализована.",
    },
    {
        "key": "sales_tech", "position": 6,
        "name_en": "Sales technology", "name_ru": "Технология продаж",
        "description_en": (
            "Selling is standardised and transparent for sellers, backed by clear schemes, "
            "algorithms and work regulations."
        ),
        "description_ru": (
            "Продажи стандартизированы и прозрачны для продавцов: есть понятные схемы, "
            "алгоритмы и регламенты работы."
        ),
    },
    {
        "key": "automation", "position": 7,
        "name_en": "Technology & automation", "name_ru": "Технологии и автоматизация",
        "description_en": (
            "Processes are automated: speed, productivity, economy, fewer errors and lower costs."
        ),
        "description_ru": (
            "Процессы автоматизированы: скорость, производительность, экономия, меньше ошибок "
            "и ниже затраты."
        ),
    },
]
