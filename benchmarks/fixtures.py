"""The record kinds of the benchmarks app in the fixture files (fixtures/FORMAT.md)."""

from sources.records import Kind, check_text_list

from .models import Benchmark, ContextualFactor, Factor, GuidedQuestion, Illustration


def _contextual_values(data, values):
    values["examples"] = "\n".join(data.get("examples", []))


def _factor_questions(loader, factor, data, created):
    questions = data.get("questions", [])
    if not created and [q.text for q in factor.questions.all()] == questions:
        return False
    if not created:
        factor.questions.all().delete()
    loader.links[GuidedQuestion].extend(
        GuidedQuestion(factor=factor, order=i, text=text) for i, text in enumerate(questions, 1)
    )
    return bool(questions) or not created


KINDS = (
    Kind(
        "benchmark",
        Benchmark,
        "slug",
        order=120,
        text=("slug", "code", "title", "standard", "description"),
        translated=("title", "standard", "description"),
        required=("slug", "code", "title"),
        ints=("order",),
        cited=True,
        defaults={"order": 0},
    ),
    Kind(
        "factor",
        Factor,
        "code",
        order=130,
        text=("code", "title", "statement", "rationale"),
        translated=("title", "statement", "rationale"),
        required=("code", "benchmark", "title"),
        ints=("order",),
        fks={"benchmark": ("benchmark", "benchmark")},
        extra=frozenset({"questions"}),
        cited=True,
        defaults={"order": 0},
        relations=_factor_questions,
        check=lambda record: check_text_list(record, "questions"),
        dump=lambda factor: {"questions": [q.text for q in factor.questions.all()]},
        preload_related=("questions",),
    ),
    Kind(
        "contextual_factor",
        ContextualFactor,
        "slug",
        order=140,
        text=("slug", "title", "description"),
        translated=("title", "description"),
        required=("slug", "title"),
        ints=("order",),
        extra=frozenset({"examples"}),
        cited=True,
        defaults={"order": 0},
        values=_contextual_values,
        check=lambda record: check_text_list(record, "examples"),
        dump=lambda factor: {"examples": factor.example_list},
    ),
    Kind(
        "illustration",
        Illustration,
        "practice",
        order=150,
        text=("note",),
        required=("practice", "factor", "note"),
        fks={"practice": ("practice", "practice"), "factor": ("factor", "factor")},
        key_of=lambda data: f"{data.get('practice')}/{data.get('factor')}",
        key_of_object=lambda obj: f"{obj.practice.slug}/{obj.factor.code}",
    ),
)
