"""Small but real-looking documents that a teacher would upload for expertise, for the demo.

Each function returns `(file_name, content)`. The output depends on the arguments only (no
random numbers, no current date), so that loading the demo twice gives the same files; each
file is a few kilobytes to a few dozen. File names carry no dot but the extension's: the demo
marks a revised file by inserting « (доработанная)» before the first dot.

The texts follow the structure the default rubrics check (`default_rubrics.py`): a work
programme with the sections of ФГОС ООО п. 32.1 and a thematic plan with hours and ЭОР/ЦОР per
topic, a КТП with dates, control works and resources, a lesson's technological map by stages.
"""

import html
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter
from django.conf import settings
from PIL import Image, ImageDraw, ImageFont
from weasyprint import HTML

# The sources under static/, as the document pipeline uses: fonts are there whether or not
# collectstatic has been run.
STATIC_DIR = Path(settings.BASE_DIR) / "static"
FONTS_DIR = STATIC_DIR / "fonts"

# Sections of the federal work programmes (ФОП ООО) for 5th grade: (section, hours, control
# works, content). The hours add up to the year's hours in the curriculum, as an expert checks.
_SECTIONS = {
    "Математика": [
        (
            "Натуральные числа. Действия с натуральными числами",
            43,
            2,
            "Десятичная система счисления. Ряд натуральных чисел, число 0. Сравнение, "
            "округление натуральных чисел. Арифметические действия и их свойства. Делители "
            "и кратные; простые и составные числа; признаки делимости на 2, 5, 10, 3, 9. "
            "Степень с натуральным показателем. Решение текстовых задач арифметическим способом.",
        ),
        (
            "Наглядная геометрия. Линии на плоскости",
            12,
            1,
            "Точка, прямая, отрезок, луч. Ломаная. Измерение длины отрезка. Окружность и "
            "круг. Угол; прямой, острый, тупой и развёрнутый углы; измерение углов.",
        ),
        (
            "Обыкновенные дроби",
            48,
            2,
            "Дробь. Правильные и неправильные дроби. Основное свойство дроби. Сравнение "
            "дробей. Сложение и вычитание дробей. Смешанная дробь. Умножение и деление "
            "обыкновенных дробей. Решение текстовых задач, содержащих дроби.",
        ),
        (
            "Наглядная геометрия. Многоугольники",
            10,
            0,
            "Многоугольники. Четырёхугольник, прямоугольник, квадрат. Треугольник. Периметр "
            "многоугольника. Площадь прямоугольника и квадрата.",
        ),
        (
            "Десятичные дроби",
            38,
            2,
            "Десятичная запись дробей. Сравнение десятичных дробей. Действия с десятичными "
            "дробями. Округление десятичных дробей. Решение текстовых задач.",
        ),
        (
            "Наглядная геометрия. Тела и фигуры в пространстве",
            9,
            0,
            "Многогранники. Прямоугольный параллелепипед, куб. Развёртки куба и "
            "параллелепипеда. Объём куба и прямоугольного параллелепипеда.",
        ),
        (
            "Повторение и обобщение",
            10,
            1,
            "Повторение основных понятий и методов курса 5 класса, обобщение знаний. "
            "Итоговая контрольная работа.",
        ),
    ],
    "Русский язык": [
        ("Общие сведения о языке", 2, 0, "Богатство и выразительность русского языка. "
         "Лингвистика как наука о языке."),
        ("Язык и речь", 7, 0, "Язык и речь. Речь устная и письменная, монологическая и "
         "диалогическая. Виды речевой деятельности."),
        ("Текст", 11, 1, "Текст и его основные признаки. Тема и главная мысль текста. "
         "Микротема. Композиционная структура текста. Повествование как тип речи."),
        ("Функциональные разновидности языка", 2, 0, "Общее представление о функциональных "
         "разновидностях языка: разговорная речь, функциональные стили, язык "
         "художественной литературы."),
        ("Фонетика. Графика. Орфоэпия", 6, 0, "Звук как единица языка. Система гласных и "
         "согласных звуков. Слог. Ударение. Соотношение звуков и букв."),
        ("Орфография", 6, 0, "Орфограмма. Буквенные и небуквенные орфограммы. "
         "Правописание разделительных ъ и ь."),
        ("Лексикология", 14, 1, "Лексическое значение слова. Однозначные и многозначные "
         "слова. Синонимы, антонимы, омонимы, паронимы. Толковые словари."),
        ("Морфемика. Орфография", 13, 1, "Морфема как минимальная значимая единица языка. "
         "Виды морфем. Чередование звуков в морфемах. Морфемный анализ слов."),
        ("Морфология. Культура речи. Орфография", 58, 3, "Имя существительное, имя "
         "прилагательное, глагол как части речи: значение, морфологические признаки, "
         "синтаксические функции, правописание."),
        ("Синтаксис. Культура речи. Пунктуация", 24, 1, "Словосочетание. Предложение и его "
         "признаки. Главные и второстепенные члены предложения. Простое осложнённое и "
         "сложное предложение. Прямая речь. Диалог."),
        ("Повторение пройденного материала", 9, 0, "Повторение и систематизация изученного "
         "в 5 классе."),
        ("Итоговый контроль", 18, 8, "Сочинения, изложения, контрольные и проверочные "
         "работы, диктанты."),
    ],
    "История": [
        ("Введение", 2, 0, "Что изучает история. Источники исторических знаний. "
         "Историческая хронология."),
        ("Первобытность", 4, 0, "Происхождение, расселение и эволюция древнейшего человека. "
         "Появление земледелия и скотоводства. Разложение первобытнообщинных отношений."),
        ("Древний Египет", 7, 0, "Природа Египта. Возникновение государства. Занятия "
         "населения. Религиозные верования египтян. Познания древних египтян."),
        ("Древние цивилизации Месопотамии", 4, 0, "Древнейшие города-государства. Вавилон, "
         "законы Хаммурапи. Ассирия. Нововавилонское царство."),
        ("Восточное Средиземноморье в древности", 2, 0, "Финикия: природные условия, "
         "занятия жителей, развитие ремёсел и торговли, алфавит. Палестина и её население."),
        ("Персидская держава", 2, 0, "Завоевания персов. Государственное устройство "
         "Персидской державы."),
        ("Древняя Индия", 2, 0, "Природные условия. Древнейшие города-государства. "
         "Кастовая система. Религиозные верования, культура."),
        ("Древний Китай", 3, 0, "Природные условия. Империя Цинь, империя Хань. Великий "
         "шёлковый путь. Культура древнего Китая."),
        ("Древняя Греция. Эллинизм", 20, 1, "Древнейшая Греция. Греческие полисы. "
         "Классическая Греция. Культура Древней Греции. Македонские завоевания, эллинизм."),
        ("Древний Рим", 20, 1, "Возникновение Римского государства. Римские завоевания. "
         "Поздняя Римская республика. Расцвет и падение Римской империи. Культура "
         "Древнего Рима."),
        ("Обобщение", 2, 1, "Историческое и культурное наследие цивилизаций Древнего мира."),
    ],
    "Биология": [
        ("Биология — наука о живой природе", 4, 0, "Понятие о жизни. Признаки живого. "
         "Биологические науки. Правила работы в кабинете биологии."),
        ("Методы изучения живой природы", 6, 0, "Научные методы изучения живой природы: "
         "наблюдение, эксперимент, описание, измерение. Увеличительные приборы."),
        ("Организмы — тела живой природы", 7, 1, "Понятие об организме. Клетка — единица "
         "строения живых организмов. Одноклеточные и многоклеточные организмы. "
         "Разнообразие организмов."),
        ("Организмы и среда обитания", 5, 0, "Среды жизни: водная, наземно-воздушная, "
         "почвенная, внутриорганизменная. Приспособления организмов к среде обитания."),
        ("Природные сообщества", 7, 0, "Понятие о природном сообществе. Цепи питания. "
         "Искусственные сообщества. Природные зоны Земли."),
        ("Живая природа и человек", 5, 1, "Изменения в природе в связи с развитием "
         "человечества. Глобальные экологические проблемы. Охрана природы."),
    ],
}  # fmt: skip

# Hours a week in the 5th and 6th grades by the federal curriculum; other subjects get 2.
_WEEKLY_HOURS = {"Математика": 5, "Русский язык": 5, "История": 2, "Биология": 1}

_SUBJECT_GENITIVE = {
    "Математика": "математики",
    "Русский язык": "русского языка",
    "Литература": "литературы",
    "Информатика": "информатики",
    "Биология": "биологии",
    "Химия": "химии",
    "История": "истории",
    "Обществознание": "обществознания",
    "Иностранный язык": "иностранного языка",
    "География": "географии",
    "Физика": "физики",
}

_EOR = (
    "Библиотека ЦОК https://m.edsoo.ru",
    "РЭШ https://resh.edu.ru",
    "ФГИС «Моя школа» https://myschool.edu.ru",
)


def work_programme_docx(
    *, subject: str, grades: str, author: str, school: str, year: str
) -> tuple[str, bytes]:
    """A work programme (рабочая программа учебного предмета) as a minimal valid .docx."""
    grade = _first_grade(grades)
    start = _start_year(year)
    weekly, weeks = _WEEKLY_HOURS.get(subject, 2), _weeks(grade)
    sections = _sections(subject, grade)
    standard, federal, level = _standards(grade)
    total = sum(hours for _, hours, _, _ in sections)
    controls = sum(control for _, _, control, _ in sections)
    body = [
        _p(school, bold=True, align="center", after=480),
        _table(
            [
                [
                    f"РАССМОТРЕНО\nна заседании ШМО\nПротокол № 1 от 28.08.{start}",
                    f"СОГЛАСОВАНО\nЗаместитель директора по УВР\n29.08.{start}",
                    f"УТВЕРЖДЕНО\nприказом директора\nот 30.08.{start} № 215",
                ]
            ],
            widths=[3118, 3118, 3119],
            borders=False,
        ),
        _p("", after=1600),
        _p("РАБОЧАЯ ПРОГРАММА", bold=True, size=32, align="center"),
        _p(f"учебного предмета «{subject}»", bold=True, size=28, align="center"),
        _p(f"для обучающихся {_grades_genitive(grades)}", size=28, align="center", after=1200),
        _p(f"Составитель: {author}, {_position(subject)}", align="right"),
        _p(f"{year} учебный год", align="center", before=2400),
        _page_break(),
        _p("ПОЯСНИТЕЛЬНАЯ ЗАПИСКА", bold=True, align="center", after=120),
        _p(
            f"Рабочая программа по учебному предмету «{subject}» составлена на основе "
            "требований к результатам освоения основной образовательной программы "
            f"{level} образования, представленных в {standard}, федеральной рабочей программы "
            f"по предмету в составе {federal}, а также с учётом рабочей программы воспитания "
            "образовательной организации.",
            indent=True,
        ),
        _p(
            f"На изучение учебного предмета «{subject}» в {grade} классе отводится "
            f"{total} ч ({weekly} ч в неделю, {weeks} учебные недели) в соответствии с учебным "
            f"планом, в том числе {controls} ч на контрольные работы.",
            indent=True,
            after=240,
        ),
        _p("СОДЕРЖАНИЕ УЧЕБНОГО ПРЕДМЕТА", bold=True, align="center", after=120),
        _p(f"{grade} КЛАСС", bold=True),
        *(
            paragraph
            for title, _, _, content in sections
            for paragraph in (_p(title, bold=True, indent=True, after=0), _p(content, indent=True))
        ),
        _p(
            "ПЛАНИРУЕМЫЕ РЕЗУЛЬТАТЫ ОСВОЕНИЯ УЧЕБНОГО ПРЕДМЕТА",
            bold=True,
            align="center",
            before=240,
            after=120,
        ),
        _p("Личностные результаты", bold=True, indent=True, after=0),
        _p(
            "Осознание российской гражданской идентичности, ценности научного познания; "
            "готовность к саморазвитию и самообразованию; ответственное отношение к учению; "
            "сформированность культуры здоровья и эмоционального благополучия; "
            "ориентация на применение знаний для решения задач в окружающей среде.",
            indent=True,
        ),
        _p("Метапредметные результаты", bold=True, indent=True, after=0),
        _p(
            "Познавательные универсальные учебные действия: выявлять закономерности, "
            "сравнивать, классифицировать, делать выводы, работать с информацией. "
            "Коммуникативные: выражать суждения, аргументировать позицию, участвовать в "
            "совместной работе. Регулятивные: планировать деятельность, осуществлять "
            "самоконтроль, оценивать соответствие результата цели.",
            indent=True,
        ),
        _p("Предметные результаты", bold=True, indent=True, after=0),
        _p(
            f"К концу обучения в {grade} классе обучающийся научится: "
            + _subject_results(subject, sections),
            indent=True,
            after=240,
        ),
        _p("ТЕМАТИЧЕСКОЕ ПЛАНИРОВАНИЕ", bold=True, align="center", after=0),
        _p(f"{grade} КЛАСС", bold=True, align="center", after=120),
        _table(
            [
                [
                    "№ п/п",
                    "Наименование разделов и тем программы",
                    "Количество часов",
                    "В том числе контрольные работы",
                    "Электронные (цифровые) образовательные ресурсы",
                ],
                *(
                    [str(number), title, str(hours), str(control), _EOR[number % 2]]
                    for number, (title, hours, control, _) in enumerate(sections, start=1)
                ),
                ["", "ОБЩЕЕ КОЛИЧЕСТВО ЧАСОВ ПО ПРОГРАММЕ", str(total), str(controls), ""],
            ],
            widths=[700, 3655, 1300, 1500, 2200],
            header=True,
        ),
    ]
    title = f"Рабочая программа учебного предмета «{subject}» для обучающихся "
    title += _grades_genitive(grades)
    return _file_name(f"Рабочая программа — {subject} {grades}", "docx"), _docx(
        body, title=title, author=author
    )


def calendar_plan_xlsx(
    *, subject: str, grades: str, author: str, school: str, year: str
) -> tuple[str, bytes]:
    """A КТП as an .xlsx: the first lessons of the year with dates, hours, ЭОР/ЦОР, control."""
    grade = _first_grade(grades)
    start = _start_year(year)
    weekly = _WEEKLY_HOURS.get(subject, 2)
    lessons = _lessons(subject, grade)
    dates = _lesson_dates(date(start, 9, 1), weekly, len(lessons))

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # xlsxwriter stamps the file with the current time unless told otherwise.
    workbook.set_properties(
        {
            "title": f"КТП по предмету «{subject}», {grades} класс",
            "author": author,
            "company": school,
            "created": datetime(start, 8, 28, 9, 0, 0),
        }
    )
    sheet = workbook.add_worksheet("КТП")

    def style(**properties):
        return workbook.add_format({"font_name": "Times New Roman", **properties})

    title_format = style(bold=True, font_size=13, align="center")
    text_format = style(font_size=11)
    header = style(
        bold=True, border=1, text_wrap=True, align="center", valign="vcenter", bg_color="#E7EEF7"
    )
    cell = style(border=1, text_wrap=True, valign="top")
    centered = style(border=1, align="center", valign="top")
    date_cell = style(border=1, align="center", valign="top", num_format="dd.mm.yyyy")

    sheet.merge_range(
        "A1:F1",
        f"Календарно-тематическое планирование по учебному предмету «{subject}»",
        title_format,
    )
    sheet.merge_range("A2:F2", f"{grade} класс, {year} учебный год", title_format)
    sheet.write("A3", f"Учитель: {author}", text_format)
    sheet.write("A4", f"Образовательная организация: {school}", text_format)
    sheet.write(
        "A5",
        f"Количество часов: {weekly * _weeks(grade)} в год, {weekly} в неделю "
        f"(по учебному плану). Фрагмент: уроки с {dates[0]:%d.%m.%Y} по {dates[-1]:%d.%m.%Y}.",
        text_format,
    )
    columns = [
        ("№ урока", 8),
        ("Дата", 12),
        ("Тема урока", 58),
        ("Количество часов", 11),
        ("ЭОР/ЦОР", 34),
        ("Контроль", 26),
    ]
    header_row = 6
    for column, (name, width) in enumerate(columns):
        sheet.set_column(column, column, width)
        sheet.write(header_row, column, name, header)
    sheet.set_row(header_row, 32)
    for number, ((topic, eor, control), day) in enumerate(zip(lessons, dates, strict=True), 1):
        row = header_row + number
        sheet.write_number(row, 0, number, centered)
        sheet.write_datetime(row, 1, datetime(day.year, day.month, day.day), date_cell)
        sheet.write(row, 2, topic, cell)
        sheet.write_number(row, 3, 1, centered)
        sheet.write(row, 4, eor, cell)
        sheet.write(row, 5, control, cell)
    last = header_row + len(lessons)
    sheet.write(last + 1, 2, "Итого во фрагменте", style(bold=True))
    # The cached value lets viewers that do not recalculate show the sum too.
    total = f"=SUM(D{header_row + 2}:D{last + 1})"
    sheet.write_formula(last + 1, 3, total, centered, len(lessons))
    sheet.freeze_panes(header_row + 1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    workbook.close()
    return _file_name(f"КТП — {subject} {grades}", "xlsx"), buffer.getvalue()


def lesson_plan_pdf(
    *, subject: str, grades: str, author: str, school: str, topic: str
) -> tuple[str, bytes]:
    """A lesson's technological map (технологическая карта урока) as a PDF, stage by stage.
    `topic` may be the case's title («Технологическая карта урока … «Тема», 7 класс»): the
    topic is then the text in guillemets."""
    topic = _lesson_topic(topic)
    grade = _first_grade(grades)
    info = [
        ("Учитель", f"{author}, {_position(subject)}"),
        ("Образовательная организация", school),
        ("Предмет, класс", f"{subject}, {grade} класс"),
        ("Тема урока", f"«{topic}»"),
        ("Тип урока", "урок открытия нового знания"),
        (
            "Цель",
            f"создать условия для освоения обучающимися понятия «{topic}» и способов "
            "действия с ним через самостоятельное решение учебной задачи",
        ),
        (
            "Планируемые результаты",
            "Предметные: знать определение и признаки изучаемого понятия, применять правило "
            "при выполнении заданий базового уровня. Метапредметные: формулировать учебную "
            "задачу, сравнивать, обобщать, строить речевое высказывание, оценивать "
            "результат по критериям. Личностные: проявлять познавательный интерес, "
            "готовность к сотрудничеству в паре и группе.",
        ),
        (
            "Оборудование и ЦОР",
            "учебник (ФПУ), интерактивная панель, карточки с заданиями трёх уровней, "
            "материалы библиотеки ЦОК (m.edsoo.ru), видеоурок РЭШ (resh.edu.ru)",
        ),
    ]
    stages = [
        (
            "1. Мотивация к учебной деятельности (2 мин)",
            "Приветствует обучающихся, проверяет готовность к уроку, создаёт "
            "доброжелательный настрой.",
            "Настраиваются на работу, проверяют рабочее место.",
            "Л: самоопределение. Р: саморегуляция.",
        ),
        (
            "2. Актуализация знаний и фиксация затруднения (7 мин)",
            "Организует повторение опорных понятий; предлагает задание, для выполнения "
            "которого известных способов недостаточно.",
            "Выполняют задание в парах, фиксируют, в чём затруднение.",
            "П: анализ, сравнение. К: работа в паре. Р: фиксация затруднения.",
        ),
        (
            "3. Постановка учебной задачи (4 мин)",
            "Подводящим диалогом помогает сформулировать тему и цель урока.",
            "Формулируют тему урока и учебную задачу, записывают тему в тетрадь.",
            "Р: целеполагание. К: выражение мысли.",
        ),
        (
            "4. Открытие нового знания (10 мин)",
            "Организует работу в группах с текстом учебника и примерами; консультирует группы.",
            "Исследуют примеры, выводят правило, представляют результат группы, "
            "сравнивают с правилом учебника.",
            "П: поиск информации, построение вывода. К: учёт разных мнений.",
        ),
        (
            "5. Первичное закрепление с проговариванием (7 мин)",
            "Предлагает задания на применение нового знания, организует комментированное "
            "выполнение.",
            "Выполняют задания у доски и в тетрадях, проговаривают алгоритм.",
            "П: применение алгоритма. К: монологическая речь.",
        ),
        (
            "6. Самостоятельная работа с самопроверкой по эталону (8 мин)",
            "Предлагает задания трёх уровней сложности на выбор; выводит эталон.",
            "Выбирают уровень, выполняют, проверяют по эталону, исправляют ошибки.",
            "Р: контроль, коррекция, самооценка по критериям.",
        ),
        (
            "7. Рефлексия учебной деятельности (4 мин)",
            "Возвращает к учебной задаче урока, предлагает оценить её решение.",
            "Соотносят результат с целью, называют, что осталось трудным.",
            "Р: оценка результата. Л: самооценка.",
        ),
        (
            "8. Домашнее задание (3 мин)",
            "Объясняет дифференцированное домашнее задание: обязательная часть и задание "
            "по выбору (творческое или повышенного уровня).",
            "Записывают задание, выбирают уровень.",
            "Р: планирование.",
        ),
    ]
    info_rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in info
    )
    stage_rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(text)}</td>" for text in stage) + "</tr>"
        for stage in stages
    )
    body = f"""
      <h1>Технологическая карта урока</h1>
      <table class="info">{info_rows}</table>
      <table class="stages">
        <thead><tr><th style="width:20%">Этап урока</th><th style="width:28%">Деятельность
        учителя</th><th style="width:28%">Деятельность обучающихся</th><th>Формируемые
        УУД</th></tr></thead>
        <tbody>{stage_rows}</tbody>
      </table>
      <p class="note">УУД: Л — личностные, П — познавательные, К — коммуникативные,
      Р — регулятивные.</p>
    """
    title = f"Технологическая карта урока «{topic}»"
    pdf = _pdf(body, title=title, author=author, landscape=True)
    return _file_name(f"Технологическая карта — {subject} {grades}", "pdf"), pdf


def portfolio_pdf(*, author: str, school: str, subject: str) -> tuple[str, bytes]:
    """A teacher's portfolio: general information and a table of achievements."""
    general = [
        ("ФИО", author),
        ("Образовательная организация", school),
        ("Должность", _position(subject)),
        ("Образование", "высшее педагогическое"),
        ("Педагогический стаж", "17 лет"),
        ("Квалификационная категория", "первая"),
    ]
    achievements = [
        ("Результаты обучающихся", "Качество знаний по предмету по итогам года: 48 % — "
         "52 % — 56 %; успеваемость 100 %", "ОО", "2022–2025", "Справка зам. директора по УВР"),
        ("Результаты обучающихся", "ОГЭ: средний балл выше муниципального на 0,3; все "
         "выпускники преодолели минимальный порог", "ОО", "2024/25", "Справка ОО"),
        ("Олимпиады, конкурсы обучающихся", "Всероссийская олимпиада школьников: 2 призёра "
         "муниципального этапа", "муниципальный", "2024/25", "Приказ УО"),
        ("Олимпиады, конкурсы обучающихся", "Научно-практическая конференция «Первые шаги "
         "в науку»: 1 призёр", "региональный", "2023/24", "Диплом"),
        ("Методическая деятельность", "Открытый урок для учителей района в рамках "
         "муниципального методического объединения", "муниципальный", "2023/24", "Справка ИМЦ"),
        ("Методическая деятельность", "Публикация методической разработки урока в сборнике "
         "материалов краевой конференции", "региональный", "2024/25", "Сборник"),
        ("Методическая деятельность", "Мастер-класс «Приёмы формирующего оценивания на "
         "уроке»", "муниципальный", "2024/25", "Сертификат"),
        ("Повышение квалификации", "«Реализация требований обновлённых ФГОС ООО, ФГОС СОО "
         "в работе учителя», 36 ч", "федеральный", "2023", "Удостоверение"),
        ("Профессиональные конкурсы", "Муниципальный этап конкурса «Учитель года»: "
         "участник", "муниципальный", "2023/24", "Сертификат участника"),
        ("Профессиональные сообщества", "Член муниципального сообщества "
         "тьюторов, эксперт муниципальной предметной комиссии", "муниципальный",
         "2022–2025", "Приказ УО"),
        ("Образовательные технологии и ЦОР", "Систематическое использование ФГИС «Моя "
         "школа» и библиотеки ЦОК; проектная деятельность в 7–8 классах", "ОО",
         "2022–2025", "Справка ОО"),
        ("Наставничество", "Наставник молодого специалиста (учитель, стаж 1 год)", "ОО",
         "2024/25", "Приказ ОО"),
    ]  # fmt: skip
    general_rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in general
    )
    rows = "".join(
        f"<tr><td class='n'>{number}</td>"
        + "".join(f"<td>{html.escape(text)}</td>" for text in row)
        + "</tr>"
        for number, row in enumerate(achievements, start=1)
    )
    body = f"""
      <h1>Портфолио педагога</h1>
      <p class="subtitle">Профессиональная деятельность и достижения за 2022–2025 годы</p>
      <table class="info">{general_rows}</table>
      <h2>Профессиональные достижения</h2>
      <table class="stages fixed">
        <colgroup><col style="width:5%"><col style="width:19%"><col style="width:30%">
        <col style="width:17%"><col style="width:10%"><col style="width:19%"></colgroup>
        <thead><tr><th>№</th><th>Направление</th><th>Содержание, результат</th>
        <th>Уровень</th><th>Период</th><th>Подтверждающий документ</th></tr></thead>
        <tbody>{rows}</tbody>
      </table>
      <p class="note">Копии подтверждающих документов прилагаются.</p>
    """
    pdf = _pdf(body, title=f"Портфолио педагога: {author}", author=author)
    return _file_name(f"Портфолио — {author}", "pdf"), pdf


def portfolio_png(*, caption: str) -> tuple[str, bytes]:
    """A 600×400 picture like a scanned certificate (грамота), with `caption` as its text."""
    width, height = 600, 400
    paper, red, ink, blue = (250, 246, 232), (150, 28, 32), (40, 36, 32), (52, 82, 160)
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, width - 13, height - 13), outline=red, width=4)
    draw.rectangle((22, 22, width - 23, height - 23), outline=(196, 160, 60), width=2)

    title_font = ImageFont.truetype(str(FONTS_DIR / "LiberationSerif-Bold.ttf"), 46)
    text_font = ImageFont.truetype(str(FONTS_DIR / "LiberationSerif-Regular.ttf"), 21)
    small_font = ImageFont.truetype(str(FONTS_DIR / "LiberationSerif-Italic.ttf"), 16)
    draw.text((width / 2, 78), "ГРАМОТА", font=title_font, fill=red, anchor="mm")

    # The word is already the heading; the caption usually starts with it too.
    text = re.sub(r"^\s*грамота\s*", "", caption, flags=re.IGNORECASE) or caption
    text = text[:1].upper() + text[1:]
    lines = _wrap(draw, text, text_font, width - 120)[:5]
    top = 200 - len(lines) * 14
    for number, line in enumerate(lines):
        draw.text((width / 2, top + number * 28), line, font=text_font, fill=ink, anchor="mm")

    draw.text((60, 330), "Директор", font=small_font, fill=ink, anchor="ls")
    draw.line((140, 330, 280, 330), fill=ink, width=1)
    # A round stamp, as on a paper certificate.
    centre, radius = (470, 318), 42
    for r in (radius, radius - 6):
        draw.ellipse(
            (centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r), outline=blue, width=2
        )
    draw.text(centre, "М. П.", font=small_font, fill=blue, anchor="mm")

    # A scan is never quite straight.
    image = image.rotate(0.7, resample=Image.Resampling.BICUBIC, fillcolor=(235, 235, 235))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return _file_name("Грамота — скан", "png"), buffer.getvalue()


# --- helpers -------------------------------------------------------------------------------


def _file_name(stem: str, extension: str) -> str:
    # No dots but the extension's (see the module docstring), nothing a file system refuses.
    stem = re.sub(r'[\\/:*?"<>|.]+', " ", stem)
    stem = re.sub(r"\s+", " ", stem).strip()
    return f"{stem}.{extension}"


def _first_grade(grades: str) -> int:
    found = re.search(r"\d+", grades)
    return int(found.group()) if found else 5


def _start_year(year: str) -> int:
    found = re.search(r"(19|20)\d\d", year)
    return int(found.group()) if found else 2025


def _grades_genitive(grades: str) -> str:
    if re.search(r"[–—\-,]", grades):
        return f"{grades} классов"
    return f"{grades} класса"


def _position(subject: str) -> str:
    genitive = _SUBJECT_GENITIVE.get(subject)
    return f"учитель {genitive}" if genitive else f"учитель («{subject}»)"


def _weeks(grade: int) -> int:
    return 33 if grade == 1 else 34


def _standards(grade: int) -> tuple[str, str, str]:
    """The standard and the federal programme a grade's work programme follows, and the level
    of education (genitive) they belong to."""
    if grade <= 4:
        return (
            "ФГОС НОО (приказ Минпросвещения России от 31.05.2021 № 286)",
            "ФОП НОО (приказ Минпросвещения России от 18.05.2023 № 372)",
            "начального общего",
        )
    if grade <= 9:
        return (
            "ФГОС ООО (приказ Минпросвещения России от 31.05.2021 № 287)",
            "ФОП ООО (приказ Минпросвещения России от 18.05.2023 № 370)",
            "основного общего",
        )
    return (
        "ФГОС СОО (приказ Минобрнауки России от 17.05.2012 № 413)",
        "ФОП СОО (приказ Минпросвещения России от 18.05.2023 № 371)",
        "среднего общего",
    )


def _sections(subject: str, grade: int) -> list[tuple[str, int, int, str]]:
    if grade == 5 and subject in _SECTIONS:
        return _SECTIONS[subject]
    # Any other subject or grade: a plausible outline, the hours still adding up to the year's.
    yearly_hours = _WEEKLY_HOURS.get(subject, 2) * _weeks(grade)
    names = ["Введение", "Раздел 1", "Раздел 2", "Раздел 3", "Раздел 4"]
    review = 4
    share, rest = divmod(yearly_hours - 2 - review, len(names) - 1)
    sections = [("Введение", 2, 0, f"Место учебного предмета «{subject}» в системе знаний.")]
    for number, name in enumerate(names[1:], start=1):
        hours = share + (1 if number <= rest else 0)
        sections.append(
            (name, hours, 1, f"Содержание раздела по федеральной рабочей программе «{subject}».")
        )
    sections.append(("Повторение и обобщение", review, 1, "Повторение изученного за год."))
    return sections


def _subject_results(subject: str, sections) -> str:
    if subject == "Математика":
        return (
            "выполнять арифметические действия с натуральными числами, обыкновенными и "
            "десятичными дробями; решать текстовые задачи арифметическим способом; "
            "распознавать и изображать геометрические фигуры, вычислять периметр и "
            "площадь прямоугольника, объём прямоугольного параллелепипеда."
        )
    topics = "; ".join(title.lower() for title, *_ in sections[1:4])
    return (
        f"использовать понятия и способы действия, изученные в разделах: {topics}; "
        "применять полученные знания при решении учебных и практических задач."
    )


def _lessons(subject: str, grade: int) -> list[tuple[str, str, str]]:
    """(topic, ЭОР/ЦОР, control) of the first lessons of the year, as a КТП lists them."""
    if subject == "Математика" and grade == 6:
        # The start of the section «Натуральные числа» of ФОП ООО, 6 класс.
        cok, resh, school = _EOR
        return [
            ("Повторение: арифметические действия с натуральными числами", cok, ""),
            ("Повторение: обыкновенные и десятичные дроби", resh, ""),
            ("Входная контрольная работа", "", "Стартовая диагностика"),
            ("Анализ входной работы. Порядок выполнения действий", cok, ""),
            ("Свойства арифметических действий. Рациональные вычисления", school, ""),
            ("Округление натуральных чисел", cok, ""),
            ("Степень с натуральным показателем", resh, "Самостоятельная работа (15 мин)"),
            ("Делители и кратные", cok, ""),
            ("Признаки делимости на 2, 5 и 10", cok, ""),
            ("Признаки делимости на 3 и 9", resh, "Математический диктант"),
            ("Простые и составные числа", school, ""),
            ("Разложение числа на простые множители", cok, ""),
            ("Наибольший общий делитель. Взаимно простые числа", cok, ""),
            ("Наименьшее общее кратное", resh, ""),
            ("Решение задач на делимость", school, "Самостоятельная работа (20 мин)"),
            ("Деление с остатком", cok, ""),
            ("Решение текстовых задач. Подготовка к контрольной работе", cok, ""),
            ("Контрольная работа № 1 «Делимость натуральных чисел»", "", "Контрольная работа"),
        ]
    lessons = [("Повторение изученного в прошлом учебном году", _EOR[0], "")]
    lessons.append(("Входная контрольная работа", "", "Стартовая диагностика"))
    for title, hours, _, _ in _sections(subject, grade):
        for part in range(1, hours + 1):
            lessons.append((f"{title} (урок {part})", _EOR[part % 3], ""))
            if len(lessons) == 17:
                lessons.append(("Контрольная работа № 1", "", "Контрольная работа"))
                return lessons
    return lessons


def _lesson_dates(first: date, weekly: int, count: int) -> list[date]:
    # The class's weekly timetable: which weekdays (Monday = 0) the subject is taught on.
    days = {1: [2], 2: [1, 3], 3: [0, 2, 4], 4: [0, 1, 3, 4], 5: [0, 1, 2, 3, 4]}.get(
        weekly, [0, 1, 2, 3, 4, 5]
    )
    dates, day = [], first
    while len(dates) < count:
        if day.weekday() in days:
            dates.append(day)
        day += timedelta(days=1)
    return dates


def _lesson_topic(topic: str) -> str:
    quoted = re.search(r"«([^«»]+)»", topic)
    if quoted and topic.lower().startswith("технологическая карта"):
        return quoted.group(1)
    return topic


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


# --- PDF -----------------------------------------------------------------------------------

_PDF_STYLE = """
@font-face { font-family: "Liberation Serif"; font-weight: normal; font-style: normal;
  src: url("fonts/LiberationSerif-Regular.ttf"); }
@font-face { font-family: "Liberation Serif"; font-weight: bold; font-style: normal;
  src: url("fonts/LiberationSerif-Bold.ttf"); }
@font-face { font-family: "Liberation Serif"; font-weight: normal; font-style: italic;
  src: url("fonts/LiberationSerif-Italic.ttf"); }
@page { size: A4 %(orientation)s; margin: 15mm 15mm 15mm 20mm; }
html { font-family: "Liberation Serif", serif; font-size: 11pt; line-height: 1.2; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 3mm; }
h2 { font-size: 12.5pt; margin: 5mm 0 2mm; }
.subtitle { text-align: center; margin: 0 0 4mm; }
table { width: 100%%; border-collapse: collapse; margin-bottom: 4mm; }
th, td { border: 0.5pt solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
.info th { width: 28%%; font-weight: bold; background: #f2f2f2; }
.stages thead th { text-align: center; vertical-align: middle; background: #e7eef7; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
table.fixed { table-layout: fixed; font-size: 10pt; }
.fixed th, .fixed td:nth-child(3) { hyphens: auto; }
td.n { text-align: center; }
.note { font-size: 9.5pt; font-style: italic; }
"""


def _pdf(body: str, *, title: str, author: str, landscape: bool = False) -> bytes:
    style = _PDF_STYLE % {"orientation": "landscape" if landscape else "portrait"}
    document = f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><meta name="author" content="{html.escape(author)}">
<style>{style}</style></head><body>{body}</body></html>"""
    # Fonts come from static/fonts by relative URLs, so that the PDF never depends on the fonts
    # installed on the machine.
    return HTML(string=document, base_url=str(STATIC_DIR) + "/").write_pdf()


# --- DOCX (WordprocessingML by hand: the demo needs no python-docx) ------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/core.xml" \
ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PACKAGE_RELS}">
<Relationship Id="rId1" Target="word/document.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
<Relationship Id="rId2" Target="docProps/core.xml" \
Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"/>
</Relationships>"""

_DOCUMENT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PACKAGE_RELS}">
<Relationship Id="rId1" Target="styles.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>
</Relationships>"""

# Times New Roman 12 pt, Russian: what a school's documents are typed in.
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{_W}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" \
w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="24"/><w:szCs w:val="24"/>\
<w:lang w:val="ru-RU" w:eastAsia="ru-RU" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="264" w:lineRule="auto"/></w:pPr>\
</w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>\
<w:qFormat/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>\
<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>\
<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>\
<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>"""

# A4 with the margins of Russian office documents (30 mm left, 15 mm right, 20 mm top/bottom).
_SECTION = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="850" '
    'w:bottom="1134" w:left="1701" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>'
)


def _run(text: str, *, bold: bool = False, size: int | None = None) -> str:
    properties = ""
    if bold:
        properties += "<w:b/><w:bCs/>"
    if size:
        properties += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    # Line breaks inside a cell are <w:br/>, not newlines, which Word would show as spaces.
    parts = [f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n")]
    return f"<w:r>{rpr}{'<w:br/>'.join(parts)}</w:r>"


def _p(
    text: str,
    *,
    bold: bool = False,
    size: int | None = None,
    align: str | None = None,
    indent: bool = False,
    before: int | None = None,
    after: int | None = None,
) -> str:
    # Child order of w:pPr is fixed by the schema: spacing, ind, jc.
    properties = ""
    if before is not None or after is not None:
        pairs = (("before", before), ("after", after))
        spacing = "".join(f' w:{name}="{value}"' for name, value in pairs if value is not None)
        properties += f"<w:spacing{spacing}/>"
    if indent:
        properties += '<w:ind w:firstLine="709"/>'
    if align:
        properties += f'<w:jc w:val="{align}"/>'
    elif indent:
        properties += '<w:jc w:val="both"/>'
    ppr = f"<w:pPr>{properties}</w:pPr>" if properties else ""
    run = _run(text, bold=bold, size=size) if text else ""
    return f"<w:p>{ppr}{run}</w:p>"


def _page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def _table(
    rows: list[list[str]], *, widths: list[int], header: bool = False, borders: bool = True
) -> str:
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    table_borders = f"<w:tblBorders>{border}</w:tblBorders>" if borders else ""
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    body = []
    for index, row in enumerate(rows):
        is_header = header and index == 0
        # A header row repeats on every page the table spans.
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if is_header else ""
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f"{_p(text, bold=is_header, size=22, align='center' if is_header else None)}</w:tc>"
            for text, width in zip(row, widths, strict=True)
        )
        body.append(f"<w:tr>{trpr}{cells}</w:tr>")
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>{table_borders}'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f"{''.join(body)}</w:tbl>"
        # Word needs a paragraph between a table and whatever follows it.
        "<w:p/>"
    )


def _docx(body: list[str], *, title: str, author: str) -> bytes:
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
        f"{''.join(body)}{_SECTION}</w:body></w:document>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        "<dc:language>ru-RU</dc:language></cp:coreProperties>"
    )
    parts = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", _DOCUMENT_RELS),
        ("word/styles.xml", _STYLES),
        ("docProps/core.xml", core),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts:
            # A fixed timestamp: the same arguments give the same bytes.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
