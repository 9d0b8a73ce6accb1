"""Collected terms in English, Japanese and Chinese: drugs, comorbidities and the short free-text answers.

Local-language verbatims are what a Japanese or Chinese site writes; ``en`` is the data-management
translation kept in ``<FIELD>_EN``. Drug names are INNs with their JAN (Japan) and Chinese approved names;
comorbidity preferred terms and SOCs are MedDRA names (the coded PT/SOC stored on the MH form).
Prevalences are for orientation only (typical RRMM cohorts, e.g. Mian et al., Blood Cancer J 2023).
"""

from __future__ import annotations

from dataclasses import dataclass

Language = str  # ISO 639-1: "en", "ja", "zh"


@dataclass(frozen=True)
class Text:
    """One answer in every collection language."""

    en: str
    ja: str
    zh: str

    def in_language(self, language: Language) -> str:
        """The verbatim as a site in ``language`` writes it."""
        return getattr(self, language)


@dataclass(frozen=True)
class Drug:
    """An anti-myeloma drug: INN, class (DRUGCLAS codelist) and its local names."""

    inn: str
    drug_class: str
    name: Text


@dataclass(frozen=True)
class Comorbidity:
    """A comorbidity: verbatim, MedDRA preferred term and SOC, prevalence in RRMM, male-only flag."""

    verbatim: Text
    decod: str
    bodsys: str
    prevalence: float
    male_only: bool = False


DRUGS: dict[str, Drug] = {
    drug.inn: drug
    for drug in (
        Drug("LENALIDOMIDE", "IMID", Text("Lenalidomide", "レナリドミド", "来那度胺")),
        Drug("POMALIDOMIDE", "IMID", Text("Pomalidomide", "ポマリドミド", "泊马度胺")),
        Drug("THALIDOMIDE", "IMID", Text("Thalidomide", "サリドマイド", "沙利度胺")),
        Drug("BORTEZOMIB", "PI", Text("Bortezomib", "ボルテゾミブ", "硼替佐米")),
        Drug("CARFILZOMIB", "PI", Text("Carfilzomib", "カルフィルゾミブ", "卡非佐米")),
        Drug("IXAZOMIB", "PI", Text("Ixazomib", "イキサゾミブ", "伊沙佐米")),
        Drug("DARATUMUMAB", "ANTI-CD38", Text("Daratumumab", "ダラツムマブ", "达雷妥尤单抗")),
        Drug("ISATUXIMAB", "ANTI-CD38", Text("Isatuximab", "イサツキシマブ", "伊沙妥昔单抗")),
        Drug("MELPHALAN", "ALKYLATOR", Text("Melphalan", "メルファラン", "美法仑")),
        Drug("CYCLOPHOSPHAMIDE", "ALKYLATOR", Text("Cyclophosphamide", "シクロホスファミド", "环磷酰胺")),
        Drug("BENDAMUSTINE", "ALKYLATOR", Text("Bendamustine", "ベンダムスチン", "苯达莫司汀")),
        Drug("DEXAMETHASONE", "STEROID", Text("Dexamethasone", "デキサメタゾン", "地塞米松")),
        Drug("PREDNISOLONE", "STEROID", Text("Prednisolone", "プレドニゾロン", "泼尼松龙")),
        Drug("ELOTUZUMAB", "OTHER", Text("Elotuzumab", "エロツズマブ", "埃罗妥珠单抗")),
        Drug("PANOBINOSTAT", "OTHER", Text("Panobinostat", "パノビノスタット", "帕比司他")),
        Drug("SELINEXOR", "OTHER", Text("Selinexor", "セリネクソル", "塞利尼索")),
        Drug("VENETOCLAX", "OTHER", Text("Venetoclax", "ベネトクラクス", "维奈克拉")),
        Drug("TECLISTAMAB", "OTHER", Text("Teclistamab", "テクリスタマブ", "特立妥单抗")),
        Drug("ELRANATAMAB", "OTHER", Text("Elranatamab", "エルラナタマブ", "埃纳妥单抗")),
        Drug("FLUDARABINE", "OTHER", Text("Fludarabine", "フルダラビン", "氟达拉滨")),
    )
}

COMORBIDITIES: tuple[Comorbidity, ...] = (
    Comorbidity(Text("Hypertension", "高血圧症", "高血压"), "Hypertension", "Vascular disorders", 0.40),
    Comorbidity(
        Text("Type 2 diabetes", "2型糖尿病", "2型糖尿病"),
        "Type 2 diabetes mellitus",
        "Metabolism and nutrition disorders",
        0.15,
    ),
    Comorbidity(
        Text("Hyperlipidemia", "脂質異常症", "高脂血症"), "Hyperlipidaemia", "Metabolism and nutrition disorders", 0.18
    ),
    Comorbidity(
        Text("Chronic kidney disease", "慢性腎臓病", "慢性肾脏病"),
        "Chronic kidney disease",
        "Renal and urinary disorders",
        0.15,
    ),
    Comorbidity(Text("Atrial fibrillation", "心房細動", "心房颤动"), "Atrial fibrillation", "Cardiac disorders", 0.08),
    Comorbidity(Text("Heart failure", "心不全", "心力衰竭"), "Cardiac failure", "Cardiac disorders", 0.05),
    Comorbidity(
        Text("Osteoporosis", "骨粗鬆症", "骨质疏松症"),
        "Osteoporosis",
        "Musculoskeletal and connective tissue disorders",
        0.15,
    ),
    Comorbidity(
        Text("Pathological fracture", "病的骨折", "病理性骨折"),
        "Pathological fracture",
        "Musculoskeletal and connective tissue disorders",
        0.10,
    ),
    Comorbidity(
        Text("Peripheral neuropathy", "末梢性感覚ニューロパチー", "周围感觉神经病"),
        "Peripheral sensory neuropathy",
        "Nervous system disorders",
        0.25,
    ),
    Comorbidity(Text("Anemia", "貧血", "贫血"), "Anaemia", "Blood and lymphatic system disorders", 0.30),
    Comorbidity(
        Text("GERD", "逆流性食道炎", "胃食管反流病"),
        "Gastrooesophageal reflux disease",
        "Gastrointestinal disorders",
        0.10,
    ),
    Comorbidity(Text("Depression", "うつ病", "抑郁症"), "Depression", "Psychiatric disorders", 0.06),
    Comorbidity(
        Text("COPD", "慢性閉塞性肺疾患", "慢性阻塞性肺疾病"),
        "Chronic obstructive pulmonary disease",
        "Respiratory, thoracic and mediastinal disorders",
        0.05,
    ),
    Comorbidity(
        Text("Hypothyroidism", "甲状腺機能低下症", "甲状腺功能减退症"), "Hypothyroidism", "Endocrine disorders", 0.05
    ),
    Comorbidity(
        Text("Hepatitis B, resolved", "B型肝炎既往", "乙型肝炎既往"), "Hepatitis B", "Infections and infestations", 0.04
    ),
    Comorbidity(
        Text("BPH", "前立腺肥大症", "良性前列腺增生"),
        "Benign prostatic hyperplasia",
        "Reproductive system and breast disorders",
        0.12,
        male_only=True,
    ),
)

#: Free-text "other, specify" answers of the core forms, keyed by the coded reason they explain.
DEATH_OTHER_CAUSES: tuple[Text, ...] = (
    Text("Pneumonia", "肺炎", "肺炎"),
    Text("Sepsis", "敗血症", "脓毒症"),
    Text("Cardiac arrest", "心停止", "心脏骤停"),
    Text("COVID-19 infection", "COVID-19感染症", "新型冠状病毒感染"),
    Text("Cerebral haemorrhage", "脳出血", "脑出血"),
)
DEATH_AE_CAUSES: tuple[Text, ...] = (
    Text("Infection during treatment", "治療中の感染症", "治疗期间感染"),
    Text("Cytokine release syndrome", "サイトカイン放出症候群", "细胞因子释放综合征"),
    Text("Febrile neutropenia", "発熱性好中球減少症", "发热性中性粒细胞减少症"),
)
DEATH_PD_CAUSES: tuple[Text, ...] = (
    Text("Progression of multiple myeloma", "多発性骨髄腫の進行", "多发性骨髓瘤进展"),
    Text("Renal failure due to myeloma progression", "骨髄腫進行による腎不全", "骨髓瘤进展导致肾衰竭"),
)
DOSE_CHANGE_REASONS: tuple[Text, ...] = (
    Text("Adverse event", "有害事象のため", "因不良事件"),
    Text("Poor general condition", "全身状態不良のため", "一般状况差"),
    Text("Patient could not attend", "来院できなかったため", "患者未能按时就诊"),
)
TREATMENT_OTHER_REASONS: tuple[Text, ...] = (
    Text("Transferred to another hospital", "転院のため", "转院"),
    Text("Financial reasons", "経済的理由", "经济原因"),
)
