"""Default questionnaire written from the article's checklist (seven system factors behind a deal, in English and Russian)."""

SCALE = "scale"
YES_NO = "yes_no"
NUMBER = "number"
TEXT = "text"

QUESTIONNAIRE_TITLE = {
    "en": "Sales system audit: seven factors",
    "ru": "Аудит системы продаж: семь факторов",
}

# Order matters: factors in catalogue order, questions in the order a department head reads them.
# Weights 1–3: the questions that decide whether the customer buys at all weigh 3.
QUESTIONS = [
    # ------------------------------------------------------------------ 1. Product
    {
        "factor": "product",
        "key": "product_quality",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "How good is the quality of our product, judged by customers and complaints?",
        "text_ru": "Насколько качественный наш продукт, если судить по клиентам и рекламациям?",
        "help_en": (
            "Good: quality is measured (complaints, returns, rework), complaints are rare and each one is analysed. "
            "Attach the complaints log or the latest quality report."
        ),
        "help_ru": (
            "Хорошо — когда качество измеряется (рекламации, возвраты, переделки), жалобы редки и каждая разбирается. "
            "Приложите журнал рекламаций или последний отчёт о качестве."
        ),
        "scale_labels": {
            "en": [
                "Not tracked; complaints are frequent",
                "Complaints handled case by case",
                "Quality measured, but the same problems recur",
                "Stable quality; rare complaints are analysed",
                "Measured, stable and improved on customer feedback",
            ],
            "ru": [
                "Не отслеживается, жалоб много",
                "Жалобы разбираются от случая к случаю",
                "Качество измеряется, но проблемы повторяются",
                "Качество стабильное, редкие жалобы разбираются",
                "Измеряется, стабильно и улучшается по отзывам клиентов",
            ],
        },
    },
    {
        "factor": "product",
        "key": "product_demand",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Is the product in demand: do customers buy it without heavy discounts?",
        "text_ru": "Востребован ли продукт: покупают ли его без больших скидок?",
        "help_en": (
            "Good: the main range sells steadily at list price and the range is reviewed on sales figures. "
            "Attach sales by product for the period."
        ),
        "help_ru": (
            "Хорошо — когда основная линейка стабильно продаётся по прайсу, а ассортимент пересматривается "
            "по данным продаж. Приложите продажи в разрезе продуктов за период."
        ),
        "scale_labels": {
            "en": [
                "Sells only at heavy discounts, or not at all",
                "Weak, irregular demand",
                "Steady demand for part of the range",
                "Steady demand for the main range",
                "Demand outruns supply; range reviewed on sales data",
            ],
            "ru": [
                "Продаётся только с большой скидкой или не продаётся",
                "Спрос слабый и нерегулярный",
                "Устойчивый спрос на часть линейки",
                "Устойчивый спрос на основную линейку",
                "Спрос опережает предложение, линейка пересматривается по продажам",
            ],
        },
    },
    {
        "factor": "product",
        "key": "product_pricing",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "Is the price set by a reasoned company policy rather than negotiated by each seller?",
        "text_ru": "Определяется ли цена обоснованной ценовой политикой компании, а не торгом каждого продавца?",
        "help_en": (
            "Good: prices rest on costs and competitors' prices, discounts follow written rules and are reviewed "
            "on margin. Attach the price list and the discount rules."
        ),
        "help_ru": (
            "Хорошо — когда цены опираются на себестоимость и цены конкурентов, скидки даются по письменным "
            "правилам и пересматриваются по марже. Приложите прайс-лист и положение о скидках."
        ),
        "scale_labels": {
            "en": [
                "No price list; prices agreed deal by deal",
                "A price list not backed by costs or market",
                "Prices from costs; market checked now and then",
                "Policy on costs and competitors, with discount rules",
                "Policy reviewed regularly on margin and market data",
            ],
            "ru": [
                "Прайса нет, цена оговаривается в каждой сделке",
                "Прайс есть, но не обоснован ни затратами, ни рынком",
                "Цены от себестоимости, рынок проверяется изредка",
                "Политика по затратам и конкурентам, есть правила скидок",
                "Политика регулярно пересматривается по марже и рынку",
            ],
        },
    },
    {
        "factor": "product",
        "key": "product_feedback_channel",
        "kind": YES_NO,
        "weight": 2,
        "required": True,
        "text_en": "Is there a regular channel through which sellers pass customer feedback to those who create the product?",
        "text_ru": "Есть ли регулярный канал, по которому продавцы передают отзывы клиентов тем, кто создаёт продукт?",
        "help_en": (
            "Good: a regular meeting or a request form, with decisions recorded. "
            "Attach the minutes of the last meeting or a link to the list of requests."
        ),
        "help_ru": (
            "Хорошо — когда есть регулярная встреча или форма заявок, а решения по ним фиксируются. "
            "Приложите протокол последней встречи или ссылку на список запросов."
        ),
        "scale_labels": {},
    },
    {
        "factor": "product",
        "key": "product_specs_documented",
        "kind": YES_NO,
        "weight": 2,
        "required": True,
        "text_en": "Are the product's specifications, strengths and limits written up in materials sellers can learn from?",
        "text_ru": "Описаны ли характеристики продукта, его сильные стороны и ограничения в материалах, по которым продавцы могут учиться?",
        "help_en": (
            "Good: a current product catalogue or knowledge base that a seller can learn by heart. "
            "Attach a link to it."
        ),
        "help_ru": (
            "Хорошо — когда есть актуальный каталог или база знаний по продукту, которую продавец может выучить. "
            "Приложите ссылку на неё."
        ),
        "scale_labels": {},
    },
    # ------------------------------------------------------------------ 2. Customers
    {
        "factor": "customers",
        "key": "customers_segments",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "Do we know who our buyers are: are the customer profile and segments described?",
        "text_ru": "Знаем ли мы, кто наши покупатели: описаны ли портрет клиента и сегменты?",
        "help_en": (
            "Good: segments are described (who buys, how much, how often) and used by sales and marketing. "
            "Attach the segment description or a customer base report by segment."
        ),
        "help_ru": (
            "Хорошо — когда сегменты описаны (кто покупает, сколько, как часто) и ими пользуются продажи и "
            "маркетинг. Приложите описание сегментов или отчёт по клиентской базе в разрезе сегментов."
        ),
        "scale_labels": {
            "en": [
                "Customers have never been described",
                "Each seller has their own idea",
                "A profile exists but is vague or outdated",
                "Segments described and used in sales and marketing",
                "Segments measured and reviewed on sales data",
            ],
            "ru": [
                "Клиентов никто не описывал",
                "У каждого продавца своё представление",
                "Портрет есть, но общий или устаревший",
                "Сегменты описаны и используются в продажах и маркетинге",
                "Сегменты измеряются и пересматриваются по данным продаж",
            ],
        },
    },
    {
        "factor": "customers",
        "key": "customers_buying_motives",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Do we know why customers buy from us: are their buying motives studied and documented?",
        "text_ru": "Знаем ли мы, почему клиенты покупают именно у нас: изучены и описаны ли их мотивы покупки?",
        "help_en": (
            "Good: motives are confirmed by customer interviews or surveys, written down per segment and used in "
            "offers and scripts. Attach the motives document or the survey results."
        ),
        "help_ru": (
            "Хорошо — когда мотивы подтверждены интервью или опросами клиентов, описаны по сегментам и заложены "
            "в предложения и скрипты. Приложите описание мотивов или результаты опроса."
        ),
        "scale_labels": {
            "en": [
                "Motives are unknown",
                "Guesses by management and sellers",
                "Described from experience, never checked",
                "Confirmed by interviews or surveys and documented",
                "Studied regularly and built into offers and scripts",
            ],
            "ru": [
                "Мотивы неизвестны",
                "Догадки руководства и продавцов",
                "Описаны по опыту, но не проверены",
                "Подтверждены интервью или опросами и описаны",
                "Изучаются регулярно и заложены в предложения и скрипты",
            ],
        },
    },
    {
        "factor": "customers",
        "key": "customers_motives_known_to_sellers",
        "kind": YES_NO,
        "weight": 2,
        "required": True,
        "text_en": "Do sellers know the buying motives of each segment and build their conversations on them?",
        "text_ru": "Знают ли продавцы мотивы покупки каждого сегмента и строят ли на них разговор с клиентом?",
        "help_en": (
            "Good: the motives are part of seller training and scripts, and a seller can name them when asked. "
            "Attach the training material or the script section."
        ),
        "help_ru": (
            "Хорошо — когда мотивы входят в обучение и скрипты, и продавец может назвать их по первому вопросу. "
            "Приложите учебный материал или раздел скрипта."
        ),
        "scale_labels": {},
    },
    {
        "factor": "customers",
        "key": "customers_feedback",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "Do we collect customer feedback systematically, including the reasons for lost deals?",
        "text_ru": "Собираем ли мы обратную связь от клиентов системно, включая причины отказов?",
        "help_en": (
            "Good: lost-deal reasons and satisfaction are recorded for every deal and reviewed at least once a period. "
            "Attach a lost-reason report or survey results."
        ),
        "help_ru": (
            "Хорошо — когда причины отказов и удовлетворённость фиксируются по каждой сделке и разбираются хотя бы "
            "раз за период. Приложите отчёт о причинах отказов или результаты опроса."
        ),
        "scale_labels": {
            "en": [
                "Feedback is not collected",
                "Occasional, not recorded",
                "Lost-deal reasons recorded for some deals",
                "Recorded for every deal and reviewed",
                "Analysed regularly and leads to changes",
            ],
            "ru": [
                "Обратная связь не собирается",
                "Эпизодически, нигде не фиксируется",
                "Причины отказов фиксируются по части сделок",
                "Фиксируются по каждой сделке и разбираются",
                "Регулярно анализируются и ведут к изменениям",
            ],
        },
    },
    {
        "factor": "customers",
        "key": "customers_reason_to_buy",
        "kind": TEXT,
        "weight": 1,
        "required": False,
        "text_en": "What do customers most often name as the reason to buy from us?",
        "text_ru": "Что клиенты чаще всего называют причиной покупки именно у нас?",
        "help_en": (
            "Write it in the customers' own words, not in advertising language. "
            "If you have survey results or call recordings, attach a link."
        ),
        "help_ru": (
            "Запишите словами самих клиентов, а не языком рекламы. "
            "Если есть результаты опроса или записи разговоров, приложите ссылку."
        ),
        "scale_labels": {},
    },
    # ------------------------------------------------------------------ 3. Market capacity
    {
        "factor": "market",
        "key": "market_capacity_estimated",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Is the capacity of our market estimated in figures?",
        "text_ru": "Оценена ли ёмкость нашего рынка в цифрах?",
        "help_en": (
            "Good: a current estimate of the number of potential customers and their spending, with sources and "
            "our share. Attach the market estimate."
        ),
        "help_ru": (
            "Хорошо — когда есть актуальная оценка числа потенциальных клиентов и объёма их закупок с источниками "
            "и нашей долей. Приложите расчёт ёмкости рынка."
        ),
        "scale_labels": {
            "en": [
                "Never estimated",
                "A rough guess by management",
                "An estimate, outdated or without sources",
                "A current estimate with sources and our share",
                "Updated regularly and used in planning",
            ],
            "ru": [
                "Никогда не оценивалась",
                "Приблизительная прикидка руководства",
                "Оценка есть, но устарела или без источников",
                "Актуальная оценка с источниками и нашей долей",
                "Регулярно обновляется и используется в планировании",
            ],
        },
    },
    {
        "factor": "market",
        "key": "market_room_to_grow",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Does the market leave room to grow: are there enough customers who do not buy from us yet?",
        "text_ru": "Есть ли у рынка потенциал роста: достаточно ли клиентов, которые у нас ещё не покупают?",
        "help_en": (
            "Good: the untapped potential is counted and there is a plan for reaching it. "
            "Attach the calculation or the list of target customers."
        ),
        "help_ru": (
            "Хорошо — когда незанятый потенциал посчитан и есть план, как до него дойти. "
            "Приложите расчёт или список целевых клиентов."
        ),
        "scale_labels": {
            "en": [
                "The market is shrinking or saturated",
                "Growth only by taking competitors' customers",
                "Some room in our current segments",
                "Clear room in current and adjacent segments",
                "Large, counted potential with a plan to win it",
            ],
            "ru": [
                "Рынок сжимается или насыщен",
                "Расти можно только за счёт клиентов конкурентов",
                "Некоторый запас в текущих сегментах",
                "Явный запас в текущих и смежных сегментах",
                "Большой посчитанный потенциал и план его освоения",
            ],
        },
    },
    {
        "factor": "market",
        "key": "market_lead_flow",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "Does marketing bring the sales team enough qualified enquiries to meet the plan?",
        "text_ru": "Обеспечивает ли маркетинг отдел продаж достаточным числом целевых обращений для выполнения плана?",
        "help_en": (
            "Good: the number of enquiries needed is calculated from the sales plan and measured by channel. "
            "Attach the lead report by channel for the period."
        ),
        "help_ru": (
            "Хорошо — когда нужное число обращений рассчитано из плана продаж и измеряется по каналам. "
            "Приложите отчёт по обращениям в разрезе каналов за период."
        ),
        "scale_labels": {
            "en": [
                "No marketing; sellers find customers themselves",
                "Occasional campaigns; leads are not counted",
                "Leads counted but short of the plan",
                "Lead flow meets the plan in most months",
                "Planned from the sales target, measured by channel",
            ],
            "ru": [
                "Маркетинга нет, клиентов ищут сами продавцы",
                "Разовые акции, обращения не считаются",
                "Обращения считаются, но их меньше, чем нужно по плану",
                "Поток обращений покрывает план в большинстве месяцев",
                "Поток планируется от цели продаж и измеряется по каналам",
            ],
        },
    },
    {
        "factor": "market",
        "key": "market_changes_tracked",
        "kind": YES_NO,
        "weight": 1,
        "required": True,
        "text_en": "Have changes in the market (demand, prices, new players) been reviewed during this period?",
        "text_ru": "Анализировались ли за период изменения рынка — спрос, цены, новые игроки?",
        "help_en": "Good: a short market review at least once per audit period. Attach the review or the meeting minutes.",
        "help_ru": (
            "Хорошо — когда краткий обзор рынка делается хотя бы раз за период аудита. "
            "Приложите обзор или протокол совещания."
        ),
        "scale_labels": {},
    },
    {
        "factor": "market",
        "key": "market_new_segments",
        "kind": YES_NO,
        "weight": 1,
        "required": True,
        "text_en": "Have we identified new segments or regions where sales can grow next year?",
        "text_ru": "Определены ли новые сегменты или регионы, где продажи могут вырасти в следующем году?",
        "help_en": (
            "Good: named segments or regions with an estimate of their potential. "
            "Attach the list or the business case."
        ),
        "help_ru": (
            "Хорошо — когда названы конкретные сегменты или регионы и оценён их потенциал. "
            "Приложите список или обоснование."
        ),
        "scale_labels": {},
    },
    # ------------------------------------------------------------------ 4. Competitive advantage
    {
        "factor": "advantage",
        "key": "advantage_stated",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Are our competitive advantages stated so that a customer can check them?",
        "text_ru": "Сформулированы ли наши конкурентные преимущества так, чтобы клиент мог их проверить?",
        "help_en": (
            "Good: each advantage is concrete (terms, figures, guarantees) and backed by facts, not \"quality and "
            "reliability\" in general. Attach the list of advantages with the evidence."
        ),
        "help_ru": (
            "Хорошо — когда каждое преимущество конкретно (сроки, цифры, гарантии) и подкреплено фактами, "
            "а не общими словами о «качестве и надёжности». Приложите перечень преимуществ с подтверждениями."
        ),
        "scale_labels": {
            "en": [
                "Advantages are not stated",
                "General words: \"quality\", \"reliability\"",
                "Stated, but not backed by facts",
                "Stated and backed by facts and figures",
                "Backed by facts and confirmed by customers",
            ],
            "ru": [
                "Преимущества не сформулированы",
                "Общие слова: «качество», «надёжность»",
                "Сформулированы, но не подкреплены фактами",
                "Сформулированы и подкреплены фактами и цифрами",
                "Подкреплены фактами и подтверждены клиентами",
            ],
        },
    },
    {
        "factor": "advantage",
        "key": "advantage_vs_competitors",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Compared with our main competitors, are we faster and more attractive to the customer?",
        "text_ru": "Быстрее и привлекательнее ли мы основных конкурентов в глазах клиента?",
        "help_en": (
            "Good: a comparison with the main competitors on what customers value (speed, price, service) is "
            "current and we lead on the key points. Attach the comparison table."
        ),
        "help_ru": (
            "Хорошо — когда есть актуальное сравнение с основными конкурентами по тому, что важно клиенту "
            "(скорость, цена, сервис), и по ключевым пунктам мы впереди. Приложите сравнительную таблицу."
        ),
        "scale_labels": {
            "en": [
                "We have never compared ourselves",
                "We lag behind on most points",
                "On a par with competitors",
                "Ahead on several points customers care about",
                "Clearly ahead on what customers value most",
            ],
            "ru": [
                "Мы себя с конкурентами не сравнивали",
                "Отстаём по большинству пунктов",
                "На уровне конкурентов",
                "Впереди по нескольким важным для клиента пунктам",
                "Явно впереди в том, что клиенту важнее всего",
            ],
        },
    },
    {
        "factor": "advantage",
        "key": "advantage_reliability_proof",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "Can we prove the company's reliability to a customer?",
        "text_ru": "Можем ли мы доказать клиенту надёжность компании?",
        "help_en": (
            "Good: collected case studies, references, guarantees and an on-time delivery record that sellers can "
            "show. Attach a link to the set of materials."
        ),
        "help_ru": (
            "Хорошо — когда собраны кейсы, отзывы, рекомендательные письма, гарантии и статистика выполнения "
            "обязательств, и продавцы могут их показать. Приложите ссылку на подборку."
        ),
        "scale_labels": {
            "en": [
                "Nothing to show",
                "Only verbal assurances",
                "Some cases and references, scattered",
                "Collected cases, references and guarantees",
                "Current public proof: reviews, ratings, on-time record",
            ],
            "ru": [
                "Показать нечего",
                "Только устные заверения",
                "Есть отдельные кейсы и отзывы, разрозненно",
                "Собраны кейсы, отзывы и гарантии",
                "Актуальные публичные подтверждения: отзывы, рейтинги, сроки",
            ],
        },
    },
    {
        "factor": "advantage",
        "key": "advantage_terms",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "Are our terms of cooperation (payment, deferral, delivery, warranty) competitive?",
        "text_ru": "Конкурентоспособны ли наши условия сотрудничества — оплата, отсрочка, сроки поставки, гарантии?",
        "help_en": (
            "Good: standard terms are written down, agreed with finance and at least as good as the market's. "
            "Attach the standard terms or the contract template."
        ),
        "help_ru": (
            "Хорошо — когда стандартные условия закреплены, согласованы с финансовой службой и не хуже рыночных. "
            "Приложите стандартные условия или типовой договор."
        ),
        "scale_labels": {
            "en": [
                "Worse than competitors' and never reviewed",
                "Decided case by case",
                "Standard terms, in line with the market",
                "Standard terms, better than the market on some points",
                "A deliberate advantage, reviewed with finance",
            ],
            "ru": [
                "Хуже, чем у конкурентов, и не пересматриваются",
                "Решаются в каждой сделке отдельно",
                "Стандартные условия на уровне рынка",
                "Стандартные условия, в чём-то лучше рынка",
                "Осознанное преимущество, пересматривается с финансами",
            ],
        },
    },
    {
        "factor": "advantage",
        "key": "advantage_known_to_sellers",
        "kind": YES_NO,
        "weight": 2,
        "required": True,
        "text_en": "Can every seller name the company's main advantages and the product's weak points, and answer objections about them?",
        "text_ru": "Может ли каждый продавец назвать главные преимущества компании и слабые стороны продукта и ответить на возражения по ним?",
        "help_en": (
            "Good: advantages and weak points are in the training material and checked in the knowledge test. "
            "Attach the material or the test results."
        ),
        "help_ru": (
            "Хорошо — когда преимущества и слабые места есть в учебных материалах и проверяются при аттестации. "
            "Приложите материал или результаты проверки знаний."
        ),
        "scale_labels": {},
    },
    # ------------------------------------------------------------------ 5. Sales strategy
    {
        "factor": "strategy",
        "key": "strategy_defined",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Is the sales strategy defined and formalised?",
        "text_ru": "Определена ли и формализована ли стратегия продаж?",
        "help_en": (
            "Good: a written, approved document says which customers, products and channels we grow on and is "
            "checked against results. Attach the strategy document."
        ),
        "help_ru": (
            "Хорошо — когда в утверждённом документе записано, за счёт каких клиентов, продуктов и каналов мы "
            "растём, и он сверяется с результатами. Приложите документ со стратегией."
        ),
        "scale_labels": {
            "en": [
                "There is no strategy",
                "It lives in the owner's head",
                "Discussed, but not written down",
                "A written document for the current year",
                "Written, approved and checked against results",
            ],
            "ru": [
                "Стратегии нет",
                "Она в голове у собственника",
                "Обсуждалась, но не записана",
                "Есть документ на текущий год",
                "Записана, утверждена и сверяется с результатами",
            ],
        },
    },
    {
        "factor": "strategy",
        "key": "strategy_communicated",
        "kind": YES_NO,
        "weight": 2,
        "required": True,
        "text_en": "Do sellers know the strategy: which customers, products and channels are the priority?",
        "text_ru": "Знают ли продавцы стратегию: какие клиенты, продукты и каналы в приоритете?",
        "help_en": (
            "Good: the strategy was presented to the sales team and the priorities are visible in their plans. "
            "Attach the presentation or the meeting minutes."
        ),
        "help_ru": (
            "Хорошо — когда стратегию представили отделу продаж, а приоритеты видны в планах продавцов. "
            "Приложите презентацию или протокол собрания."
        ),
        "scale_labels": {},
    },
    {
        "factor": "strategy",
        "key": "strategy_targets",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Are sales targets derived from the strategy and broken down by period, product and seller?",
        "text_ru": "Вытекают ли цели по продажам из стратегии и разбиты ли они по периодам, продуктам и продавцам?",
        "help_en": (
            "Good: the plan is calculated from market capacity and the lead flow, not handed down from above, and "
            "is reviewed monthly. Attach the sales plan with its breakdown."
        ),
        "help_ru": (
            "Хорошо — когда план рассчитан из ёмкости рынка и потока обращений, а не спущен сверху, и "
            "ежемесячно сверяется с фактом. Приложите план продаж с разбивкой."
        ),
        "scale_labels": {
            "en": [
                "No targets",
                "Handed down without calculation",
                "Calculated, but not broken down",
                "Broken down by period, product and seller",
                "Based on market and leads, reviewed monthly",
            ],
            "ru": [
                "Целей нет",
                "Спущены сверху без расчёта",
                "Рассчитаны, но не разбиты",
                "Разбиты по периодам, продуктам и продавцам",
                "Опираются на рынок и обращения, сверяются ежемесячно",
            ],
        },
    },
    {
        "factor": "strategy",
        "key": "strategy_activity_norms",
        "kind": YES_NO,
        "weight": 2,
        "required": True,
        "text_en": "Are activity norms for sellers (calls, meetings, proposals per day, week and month) set and derived from the sales plan?",
        "text_ru": "Установлены ли для продавцов нормативы активности — звонки, встречи, коммерческие предложения в день, неделю, месяц — и рассчитаны ли они из плана продаж?",
        "help_en": (
            "Good: the norms follow from the plan and the conversion at each stage, so meeting them should deliver "
            "the plan. Attach the norms and their calculation."
        ),
        "help_ru": (
            "Хорошо — когда нормативы выведены из плана и конверсии на каждом этапе, и их выполнение должно давать "
            "план. Приложите нормативы и расчёт."
        ),
        "scale_labels": {},
    },
    {
        "factor": "strategy",
        "key": "strategy_shared_responsibility",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Is responsibility for the sales result shared across departments, with each one's part defined?",
        "text_ru": "Разделена ли ответственность за результат продаж между подразделениями, закреплено ли, за что отвечает каждое?",
        "help_en": (
            "Good: product, marketing, finance and IT each have a written, measured part in the deal, not only the "
            "sales department. Attach the responsibility matrix or the regulation."
        ),
        "help_ru": (
            "Хорошо — когда за сделку отвечает не только отдел продаж: у производства, маркетинга, финансов и ИТ "
            "есть закреплённая и измеримая зона ответственности. Приложите матрицу ответственности или положение."
        ),
        "scale_labels": {
            "en": [
                "The sales department alone is blamed",
                "Others step in only when things go wrong",
                "Roles agreed verbally",
                "Each department's part is written down",
                "Written down, measured and reviewed together",
            ],
            "ru": [
                "За всё отвечает только отдел продаж",
                "Другие подключаются, только когда всё плохо",
                "Роли оговорены устно",
                "Зона ответственности каждого закреплена письменно",
                "Закреплена, измеряется и разбирается совместно",
            ],
        },
    },
    {
        "factor": "strategy",
        "key": "strategy_lost_deals_outside_sales",
        "kind": TEXT,
        "weight": 1,
        "required": False,
        "text_en": "Which reasons for lost deals this period lay outside the sales department's control?",
        "text_ru": "Какие причины сорванных сделок за период не зависели от отдела продаж?",
        "help_en": (
            "For example price, delivery times, quality or missing marketing; name the department that could fix it. "
            "Attach the lost-deal report if there is one."
        ),
        "help_ru": (
            "Например, цена, сроки поставки, качество или отсутствие маркетинга; укажите, какое подразделение "
            "могло бы это исправить. Если есть отчёт о проигранных сделках, приложите его."
        ),
        "scale_labels": {},
    },
    # ------------------------------------------------------------------ 6. Sales technology
    {
        "factor": "sales_tech",
        "key": "sales_tech_scripts",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "Are sales scripts written down for the main situations (first call, meeting, objections, follow-up)?",
        "text_ru": "Прописаны ли скрипты продаж для основных ситуаций — первый звонок, встреча, возражения, повторный контакт?",
        "help_en": (
            "Good: current scripts for every main situation, used by the whole team and updated on call results. "
            "Attach a link to the scripts."
        ),
        "help_ru": (
            "Хорошо — когда для каждой основной ситуации есть актуальный скрипт, им пользуется весь отдел, "
            "а по итогам разговоров он дорабатывается. Приложите ссылку на скрипты."
        ),
        "scale_labels": {
            "en": [
                "No scripts exist",
                "Some sellers keep their own notes",
                "Scripts exist but are outdated or partial",
                "Current scripts for the main situations",
                "Complete, current, used and improved regularly",
            ],
            "ru": [
                "Скриптов нет",
                "Отдельные продавцы ведут свои заметки",
                "Скрипты есть, но устарели или неполные",
                "Актуальные скрипты для основных ситуаций",
                "Полные, актуальные, применяются и регулярно дорабатываются",
            ],
        },
    },
    {
        "factor": "sales_tech",
        "key": "sales_tech_algorithm",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Is there a documented sales algorithm: the stages of a deal and what the seller does at each?",
        "text_ru": "Описан ли алгоритм продажи: этапы сделки и действия продавца на каждом из них?",
        "help_en": (
            "Good: the stages, the seller's actions and the criteria for moving to the next stage are written down "
            "and reflected in the CRM. Attach the sales process diagram."
        ),
        "help_ru": (
            "Хорошо — когда этапы, действия продавца и критерии перехода на следующий этап описаны и отражены "
            "в CRM. Приложите схему процесса продаж."
        ),
        "scale_labels": {
            "en": [
                "None; each seller works their own way",
                "Known only to experienced sellers",
                "Stages described, without exit criteria",
                "Stages, actions and criteria described and used",
                "Built into the CRM and improved on conversion data",
            ],
            "ru": [
                "Алгоритма нет, каждый продаёт по-своему",
                "Этапы знают только опытные продавцы",
                "Этапы описаны, но без критериев перехода",
                "Этапы, действия и критерии описаны и применяются",
                "Встроен в CRM и улучшается по данным конверсии",
            ],
        },
    },
    {
        "factor": "sales_tech",
        "key": "sales_tech_regulations_current",
        "kind": YES_NO,
        "weight": 2,
        "required": True,
        "text_en": "Are the sales department's work regulations current (reviewed within the last 12 months)?",
        "text_ru": "Актуальны ли регламенты работы отдела продаж (пересматривались за последние 12 месяцев)?",
        "help_en": (
            "Good: the regulations match how the team actually works and show the date of the last review. "
            "Attach the regulations."
        ),
        "help_ru": (
            "Хорошо — когда регламенты соответствуют тому, как отдел работает на самом деле, и на них стоит дата "
            "последнего пересмотра. Приложите регламенты."
        ),
        "scale_labels": {},
    },
    {
        "factor": "sales_tech",
        "key": "sales_tech_new_seller_autonomy",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Can a new seller follow the scripts, the algorithm and the regulations without asking colleagues?",
        "text_ru": "Может ли новый продавец работать по скриптам, алгоритму и регламентам, не обращаясь с вопросами к коллегам?",
        "help_en": (
            "Good: after a short induction a newcomer works from the materials alone, and their questions are used "
            "to improve them. Attach the onboarding plan."
        ),
        "help_ru": (
            "Хорошо — когда после короткой адаптации новичок работает по материалам самостоятельно, а его вопросы "
            "используются для их доработки. Приложите план адаптации."
        ),
        "scale_labels": {
            "en": [
                "No; learns only from colleagues",
                "Asks all the time; materials cover little",
                "Materials help, many questions remain",
                "Works alone after a short induction",
                "Works alone; newcomers' questions improve the materials",
            ],
            "ru": [
                "Нет, учится только у коллег",
                "Постоянно спрашивает, материалы почти ничего не покрывают",
                "Материалы помогают, но вопросов много",
                "Работает сам после короткой адаптации",
                "Работает сам, по его вопросам дорабатываются материалы",
            ],
        },
    },
    {
        "factor": "sales_tech",
        "key": "sales_tech_days_to_first_deal",
        "kind": NUMBER,
        "weight": 1,
        "required": True,
        "text_en": "How many working days does a new seller need before the first independent deal?",
        "text_ru": "Сколько рабочих дней нужно новому продавцу до первой самостоятельной сделки?",
        "help_en": (
            "Give the average for sellers hired in the last year, in working days. "
            "The shorter it is, the better the sales technology is documented."
        ),
        "help_ru": (
            "Укажите среднее значение по продавцам, принятым за последний год, в рабочих днях. "
            "Чем меньше срок, тем лучше описана технология продаж."
        ),
        "scale_labels": {},
    },
    {
        "factor": "sales_tech",
        "key": "sales_tech_knowledge_check",
        "kind": YES_NO,
        "weight": 2,
        "required": True,
        "text_en": "Is sellers' knowledge of the product and of sales techniques checked regularly (tests, certification)?",
        "text_ru": "Проверяются ли регулярно знания продавцов о продукте и техниках продаж — тестами, аттестацией?",
        "help_en": (
            "Good: a check at least once a period, with results recorded and gaps followed by training. "
            "Attach the latest results."
        ),
        "help_ru": (
            "Хорошо — когда проверка проходит хотя бы раз за период, результаты фиксируются, а по пробелам "
            "проводится обучение. Приложите последние результаты."
        ),
        "scale_labels": {},
    },
    # ------------------------------------------------------------------ 7. Technology & automation
    {
        "factor": "automation",
        "key": "automation_crm",
        "kind": SCALE,
        "weight": 3,
        "required": True,
        "text_en": "Is all work with customers kept in a CRM?",
        "text_ru": "Ведётся ли вся работа с клиентами в CRM?",
        "help_en": (
            "Good: every contact, deal and task is in the CRM, and reports come from it rather than from "
            "spreadsheets. Attach a screenshot of the deal pipeline or a CRM report."
        ),
        "help_ru": (
            "Хорошо — когда каждый контакт, сделка и задача есть в CRM, а отчёты строятся по ней, а не по "
            "таблицам. Приложите снимок воронки или отчёт из CRM."
        ),
        "scale_labels": {
            "en": [
                "No CRM; spreadsheets and notebooks",
                "A CRM used by some sellers",
                "Everyone uses it, but data is incomplete",
                "All deals and contacts in it, data complete",
                "Single source for sales, marketing and management",
            ],
            "ru": [
                "CRM нет, таблицы и блокноты",
                "CRM ведут отдельные продавцы",
                "Пользуются все, но данные неполные",
                "Все сделки и контакты в CRM, данные полные",
                "Единый источник данных для продаж, маркетинга и руководства",
            ],
        },
    },
    {
        "factor": "automation",
        "key": "automation_crm_share",
        "kind": NUMBER,
        "weight": 1,
        "required": True,
        "text_en": "What share of customer enquiries is processed in the CRM, %?",
        "text_ru": "Какая доля обращений клиентов обрабатывается в CRM, %?",
        "help_en": (
            "Enquiries registered in the CRM divided by all enquiries (calls, e-mails, website, messengers), "
            "as a percentage from 0 to 100."
        ),
        "help_ru": (
            "Число обращений, зарегистрированных в CRM, делённое на все обращения (звонки, почта, сайт, "
            "мессенджеры), в процентах от 0 до 100."
        ),
        "scale_labels": {},
    },
    {
        "factor": "automation",
        "key": "automation_routine",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "Is routine work automated: reminders, proposal and contract templates, documents, reports?",
        "text_ru": "Автоматизирована ли рутина: напоминания, шаблоны КП и договоров, формирование документов, отчёты?",
        "help_en": (
            "Good: sellers spend their time with customers, not on paperwork; documents and reports are generated "
            "automatically. Attach the list of automated operations."
        ),
        "help_ru": (
            "Хорошо — когда продавцы тратят время на клиентов, а не на бумаги: документы и отчёты формируются "
            "автоматически. Приложите перечень автоматизированных операций."
        ),
        "scale_labels": {
            "en": [
                "Everything is done by hand",
                "Templates exist, filled in by hand",
                "Some routine operations automated",
                "Most routine work automated",
                "Routine automated; sellers work with customers",
            ],
            "ru": [
                "Всё делается вручную",
                "Шаблоны есть, заполняются вручную",
                "Автоматизированы отдельные операции",
                "Автоматизирована большая часть рутины",
                "Рутина автоматизирована, продавцы заняты клиентами",
            ],
        },
    },
    {
        "factor": "automation",
        "key": "automation_error_prevention",
        "kind": SCALE,
        "weight": 2,
        "required": True,
        "text_en": "How well do our systems prevent errors in orders, prices and documents?",
        "text_ru": "Насколько наши системы защищают от ошибок в заказах, ценах и документах?",
        "help_en": (
            "Good: prices, stock and details are filled in and checked by the system, errors are counted and each "
            "one leads to a fix. Attach the error log or statistics."
        ),
        "help_ru": (
            "Хорошо — когда цены, остатки и реквизиты подставляет и проверяет система, ошибки считаются и по "
            "каждой вносится исправление. Приложите журнал или статистику ошибок."
        ),
        "scale_labels": {
            "en": [
                "Errors are frequent and not counted",
                "Caught only by manual checks",
                "Some checks built into the systems",
                "Most data checked automatically; errors rare",
                "Errors counted, rare, each leads to a fix",
            ],
            "ru": [
                "Ошибки частые и не учитываются",
                "Ловятся только ручной проверкой",
                "Часть проверок встроена в системы",
                "Большинство данных проверяется автоматически, ошибки редки",
                "Ошибки учитываются, редки, по каждой вносится исправление",
            ],
        },
    },
    {
        "factor": "automation",
        "key": "automation_effect_measured",
        "kind": YES_NO,
        "weight": 1,
        "required": True,
        "text_en": "Do we measure what automation gives us: time saved, cost of processing an order?",
        "text_ru": "Измеряем ли мы отдачу от автоматизации: сэкономленное время, стоимость обработки заказа?",
        "help_en": (
            "Good: before and after figures for each automation project. "
            "Attach the calculation for the latest one."
        ),
        "help_ru": (
            "Хорошо — когда по каждому проекту автоматизации есть цифры «до» и «после». "
            "Приложите расчёт по последнему из них."
        ),
        "scale_labels": {},
    },
]
