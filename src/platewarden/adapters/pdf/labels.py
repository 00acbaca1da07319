"""The wording of a notice in Uzbek (Latin), Russian and English."""

# Uzbek letters o and g with U+02BB and Cyrillic text are meant here, not look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "uz": {
        "title": "Maʼmuriy huquqbuzarlik toʻgʻrisida bildirishnoma",
        "number": "Bildirishnoma raqami", "issued": "Berilgan sana", "to": "Kimga",
        "unknown_keeper": "Transport vositasining egasi (reyestrda topilmadi)",
        "plate": "Davlat raqami", "offence": "Huquqbuzarlik", "when": "Vaqti",
        "where": "Joyi", "measured": "Oʻlchangan qiymat", "limit": "Cheklov",
        "tolerance": "Qoʻllanilgan yoʻl qoʻyilgan xatolik", "law": "Huquqiy asos",
        "amount": "Jarima miqdori", "discounted": "Chegirma bilan", "until": "gacha",
        "due": "Toʻlash muddati", "points": "Jarima ballari", "reference": "Toʻlov raqami",
        "appeal_title": "Shikoyat qilish tartibi",
        "appeal": "Bildirishnoma raqami va davlat raqamini kiritib, {url} sahifasida "
                  "dalillarni koʻring va shikoyat yuboring. Shikoyat koʻrib chiqilguncha "
                  "toʻlov talab qilinmaydi.",
        "verify": "Tekshirish kodi", "evidence": "Dalillar", "som": "soʻm",
        "spot-speed": "Tezlikni oshirish", "section-speed": "Uchastkada tezlikni oshirish",
        "red-light": "Svetoforning taqiqlovchi ishorasida oʻtish",
        "restricted-lane": "Taqiqlangan boʻlakda harakatlanish",
    },
    "ru": {
        "title": "Постановление об административном правонарушении",
        "number": "Номер постановления", "issued": "Дата вынесения", "to": "Кому",
        "unknown_keeper": "Владелец транспортного средства (не найден в реестре)",
        "plate": "Госномер", "offence": "Правонарушение", "when": "Время", "where": "Место",
        "measured": "Измеренное значение", "limit": "Ограничение",
        "tolerance": "Применённый допуск", "law": "Правовое основание",
        "amount": "Сумма штрафа", "discounted": "Со скидкой", "until": "до",
        "due": "Оплатить до", "points": "Штрафные баллы", "reference": "Номер платежа",
        "appeal_title": "Порядок обжалования",
        "appeal": "Введите номер постановления и госномер на странице {url}, чтобы "
                  "увидеть доказательства и подать жалобу. До рассмотрения жалобы оплата "
                  "не требуется.",
        "verify": "Код проверки", "evidence": "Доказательства", "som": "сум",
        "spot-speed": "Превышение скорости", "section-speed": "Превышение средней скорости "
                                                              "на участке",
        "red-light": "Проезд на запрещающий сигнал светофора",
        "restricted-lane": "Движение по запрещённой полосе",
    },
    "en": {
        "title": "Notice of an administrative offence",
        "number": "Notice number", "issued": "Issued on", "to": "To",
        "unknown_keeper": "The keeper of the vehicle (not found in the registry)",
        "plate": "Plate", "offence": "Offence", "when": "Time", "where": "Place",
        "measured": "Measured value", "limit": "Limit", "tolerance": "Tolerance applied",
        "law": "Legal basis", "amount": "Fine", "discounted": "With early-payment discount",
        "until": "until", "due": "Due by", "points": "Penalty points",
        "reference": "Payment reference", "appeal_title": "How to appeal",
        "appeal": "Enter the notice number and the plate at {url} to see the evidence and "
                  "file an appeal. Nothing is due while an appeal is being decided.",
        "verify": "Verification code", "evidence": "Evidence", "som": "som",
        "spot-speed": "Speeding", "section-speed": "Average speed over a section",
        "red-light": "Passing a red light", "restricted-lane": "Driving in a restricted lane",
    },
}

UNITS = {"spot-speed": "km/h", "section-speed": "km/h", "red-light": "s",
         "restricted-lane": ""}


def money(amount_som: int, language: str) -> str:
    """``1 234 000 so'm`` (spaces between thousands, as written in all three languages)."""
    return f"{amount_som:,}".replace(",", " ") + " " + LABELS[language]["som"]
