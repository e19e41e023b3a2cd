"""The demo library of Лабинский район: a dozen methodical materials of the community's tutors
(seed 002, 5.6: «банк информации и инновационных методических продуктов») of several kinds,
subjects and classes. Most are published; one waits for the methodist, one is a draft of the
demo `tutor`, one is archived. Some come with small real files (a pdf, docx), the others with
links to public resources. Idempotent: a material is found by its title first."""

import html
import io
import zipfile
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tutoring.demo import LABINSK
from tutoring.models import Municipality, Subject, User

from .models import Material
from .services import library as services

Kind, Status = Material.Kind, Material.Status
FONTS_URL = str(Path(settings.BASE_DIR) / "static") + "/"

# (title, kind, subjects, grades, authors, status, file ("pdf", "docx" or None), link,
# description). The status is where the material ends up; dates go back from today.
MATERIALS = [
    ("Подготовка к ВПР по математике в 5 классе: типичные ошибки и как их предупредить",
     Kind.RECOMMENDATIONS, ["Математика"], (5, 5), ["tutor", "tutor02"], Status.PUBLISHED,
     "pdf", "",
     "Разбор заданий ВПР по математике, в которых пятиклассники Лабинского района ошибаются "
     "чаще всего: действия с обыкновенными дробями, задачи на движение, чтение таблиц и "
     "диаграмм. Для каждого задания — типичная ошибка, её причина и упражнения, которые её "
     "предупреждают. Подходит для уроков повторения и консультаций."),
    ("Кейс «Учебная неуспешность в 7 классе: что показал анализ ВПР»", Kind.CASE,
     ["Математика"], (7, 7), ["tutor02"], Status.PUBLISHED, "docx", "",
     "Кейс школы с низкими результатами: как по результатам ВПР найти темы, которые не "
     "освоены классом, составить с учителем индивидуальный маршрут и проверить результат "
     "пробной диагностической работой. Вопросы для обсуждения на тьюториале."),
    ("Модульная программа тьюториала «Формирующее оценивание на уроке»", Kind.PROGRAMME, [],
     (5, 9), ["tutor", "methodist"], Status.PUBLISHED, "docx", "",
     "Три модуля по 4 часа для учителей основной школы: критерии оценивания, обратная связь "
     "ученику, самооценка и взаимооценка. Для каждого модуля — цели, практические задания и "
     "продукт, который учитель уносит в свою работу."),
    ("Рекомендации по подготовке к итоговому сочинению", Kind.RECOMMENDATIONS,
     ["Русский язык", "Литература"], (11, 11), ["tutor03"], Status.PUBLISHED, None,
     "https://fipi.ru/itogovoe-sochinenie",
     "Как готовить выпускников к итоговому сочинению: работа с тематическими направлениями, "
     "подбор литературных аргументов, типичные нарушения требований к объёму и "
     "самостоятельности. Ссылка ведёт на материалы ФИПИ."),
    ("Аналитическая справка по результатам ВПР по русскому языку в 5 классах", Kind.ANALYTICAL,
     ["Русский язык"], (5, 5), ["tutor04", "methodist"], Status.PUBLISHED, None,
     "https://fioco.ru/",
     "Анализ результатов ВПР по русскому языку в школах района по рекомендациям ФИОКО: "
     "распределение отметок, соответствие отметкам в журнале, выполнение заданий базового "
     "уровня. Выводы для методических объединений и тьюторов."),
    ("Запись мастер-класса «Смысловое чтение на уроках биологии»", Kind.RECORDING,
     ["Биология"], (5, 9), ["tutor09"], Status.PUBLISHED, None, "https://resh.edu.ru/",
     "Мастер-класс для учителей биологии: приёмы работы с научно-популярным текстом, "
     "составление кластера и таблицы «знаю — узнал — хочу узнать», задания в формате ВПР."),
    ("Кейс «Как пробудить интерес к химии в 8 классе»", Kind.CASE, ["Химия"], (8, 9),
     ["tutor11"], Status.PUBLISHED, "docx", "",
     "Описание опыта учителя химии: домашний эксперимент, проектные задачи, связь с "
     "профессиями региона. Что получилось, что нет, и как это повлияло на выбор химии "
     "на ОГЭ."),
    ("Подготовка к ОГЭ по обществознанию: задания с развёрнутым ответом", Kind.RECOMMENDATIONS,
     ["Обществознание"], (9, 9), ["tutor15"], Status.PUBLISHED, None,
     "https://fipi.ru/oge/otkrytyy-bank-zadaniy-oge",
     "Алгоритмы выполнения заданий второй части ОГЭ по обществознанию: работа с текстом, "
     "приведение примеров, объяснение понятий. Подборка заданий открытого банка ФИПИ."),
    ("Открытый урок «Финансовая грамотность в начальной школе»", Kind.RECORDING,
     ["Финансовая грамотность", "Начальное общее образование"], (2, 4), ["tutor21"],
     Status.PUBLISHED, None, "https://fmc.hse.ru/",
     "Запись открытого урока во 2 классе: игра «Магазин», семейный бюджет, потребности и "
     "желания. К записи — технологическая карта урока и раздаточные материалы."),
    ("Подготовка к ЕГЭ по физике: решение задач второй части", Kind.RECOMMENDATIONS,
     ["Физика"], (10, 11), ["tutor19"], Status.SUBMITTED, None,
     "https://fipi.ru/ege/otkrytyy-bank-zadaniy-ege",
     "Методика обучения решению расчётных задач по механике и электродинамике: анализ "
     "условия, схематический рисунок, проверка размерности. Критерии оценивания ФИПИ."),
    ("Тьюториал «Дефициты по геометрии в 8 классе»", Kind.PROGRAMME, ["Математика"], (8, 8),
     ["tutor"], Status.DRAFT, None, "https://resh.edu.ru/",
     "Черновик программы тьюториала для учителей математики: площади многоугольников, "
     "теорема Пифагора, подобие треугольников по результатам пробной работы."),
    ("Анализ результатов ВПР по математике за 2022 год", Kind.ANALYTICAL, ["Математика"],
     (5, 8), ["tutor02"], Status.ARCHIVED, None, "https://fioco.ru/",
     "Анализ результатов ВПР весны 2022 года по математике в 5–8 классах школ района. "
     "Заменён анализом следующего года."),
]  # fmt: skip


def load(result) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    known = set(Material.objects.filter(municipality=labinsk).values_list("title", flat=True))
    users = {u.username: u for u in User.objects.filter(roles__municipality=labinsk).distinct()}
    subjects = {s.name: s for s in Subject.objects.all()}
    methodist = users["methodist"]
    for age, row in enumerate(MATERIALS):
        title, kind, subject_names, grades, authors, status, file, link, description = row
        if title in known:
            continue
        people = [users[name] for name in authors]
        material = services.material_create(
            actor=people[0],
            municipality=labinsk,
            kind=kind,
            title=title,
            description=description,
            subjects=[subjects[name] for name in subject_names],
            grade_from=grades[0],
            grade_to=grades[1],
            authors=people,
            file=_file(file, title, people[0]),
            link=link,
        )
        if status != Status.DRAFT:
            services.material_submit(actor=people[0], material=material)
        if status in (Status.PUBLISHED, Status.ARCHIVED):
            services.material_publish(actor=methodist, material=material)
        if status == Status.ARCHIVED:
            services.material_archive(actor=methodist, material=material)
        # The library looks lived in: the first materials of the list are the newest.
        now = timezone.now()
        dates = {"created_at": now - timedelta(days=7 * age + 10)}
        if status in (Status.PUBLISHED, Status.ARCHIVED):
            dates["published_at"] = now - timedelta(days=7 * age + 3)
        Material.objects.filter(pk=material.pk).update(**dates)
        result.count(True)


def _file(kind: str | None, title: str, author: User) -> SimpleUploadedFile | None:
    if kind == "pdf":
        return SimpleUploadedFile("ВПР математика 5 класс — типичные ошибки.pdf", _pdf(title))
    if kind == "docx":
        return SimpleUploadedFile(f"{_short(title)}.docx", _docx(title, author.full_name))
    return None


def _short(title: str) -> str:
    # «Кейс «Как пробудить интерес…»» → a file name without quotes, as people name files.
    return title.replace("«", "").replace("»", "").replace(":", " —")[:80].strip()


_PARAGRAPHS = [
    "Материал подготовлен тьюторами муниципального сообщества Лабинского района.",
    "Цель: помочь учителю увидеть типичные затруднения обучающихся и спланировать работу "
    "по их устранению.",
    "Содержание: описание ситуации, анализ причин, рекомендуемые приёмы и задания, "
    "критерии результата.",
    "При использовании материала указывайте его авторов.",
]


def _pdf(title: str) -> bytes:
    from weasyprint import HTML  # heavy to import; only a first demo load needs it

    body = "".join(f"<p>{html.escape(text)}</p>" for text in _PARAGRAPHS)
    document = f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>
@font-face {{ font-family: "Liberation Serif"; src: url("fonts/LiberationSerif-Regular.ttf"); }}
@font-face {{ font-family: "Liberation Serif"; font-weight: bold;
  src: url("fonts/LiberationSerif-Bold.ttf"); }}
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
html {{ font-family: "Liberation Serif", serif; font-size: 13pt; line-height: 1.3; }}
h1 {{ font-size: 15pt; text-align: center; }}
</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"""
    return HTML(string=document, base_url=FONTS_URL).write_pdf()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def _docx(title: str, author: str) -> bytes:
    """The smallest document Word opens: a bold title, the author and a few paragraphs."""
    paragraphs = [f"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{escape(title)}</w:t></w:r></w:p>"]
    paragraphs += [
        f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for text in [f"Автор: {author}", *_PARAGRAPHS]
    ]
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{"".join(paragraphs)}</w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()
