"""The city self-assessment form: one block per factor, its guided questions beside it."""

import datetime

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.text import in_sentence

from .models import (
    Assessment,
    ContextNote,
    FactorRating,
    QuestionAnswer,
    Rating,
)

RATING_CHOICES = [("", _("Not rated yet")), *[(str(v), label) for v, label in Rating.choices]]
EFFECT_CHOICES = [("", _("No note")), *ContextNote.Effect.choices]


class AssessmentForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        initial=datetime.date.today,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the assessment describes."),
    )

    def __init__(
        self,
        *args,
        benchmark,
        city,
        factors,
        contextual_factors,
        practices,
        instance=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.benchmark, self.city, self.instance = benchmark, city, instance
        self.factors, self.contextual_factors = factors, contextual_factors
        practice_choices = [(str(p.pk), p.title) for p in practices]
        ratings = {r.factor_id: r for r in instance.ratings.all()} if instance else {}
        answers = {a.question_id: a.answer for a in instance.answers.all()} if instance else {}
        notes = (
            {n.contextual_factor_id: n for n in instance.context_notes.all()} if instance else {}
        )
        if instance:
            self.fields["date"].initial = instance.date
        for factor in factors:
            self._add_factor_fields(factor, ratings.get(factor.pk), answers, practice_choices)
        for contextual in contextual_factors:
            self._add_context_fields(contextual, notes.get(contextual.pk))

    def _add_factor_fields(self, factor, current, answers, practice_choices):
        self.fields[f"rating_{factor.code}"] = forms.TypedChoiceField(
            label=_("Rating for %(code)s") % {"code": factor.code},
            choices=RATING_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
            initial=str(current.rating) if current and current.rating is not None else "",
        )
        self.fields[f"evidence_{factor.code}"] = forms.CharField(
            label=_("Evidence for %(code)s") % {"code": factor.code},
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            initial=current.evidence if current else "",
            help_text=_("Policies, figures, projects that show where the city stands."),
        )
        self.fields[f"practices_{factor.code}"] = forms.MultipleChoiceField(
            label=_("The city's practices that support %(code)s") % {"code": factor.code},
            choices=practice_choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[str(p.pk) for p in current.practices.all()] if current else [],
        )
        for question in factor.questions.all():
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answers.get(question.pk, ""),
                help_text=_("Leave empty to skip."),
            )

    def _add_context_fields(self, contextual, note):
        self.fields[f"effect_{contextual.slug}"] = forms.ChoiceField(
            label=_("Effect of %(factor)s") % {"factor": in_sentence(contextual.title)},
            choices=EFFECT_CHOICES,
            required=False,
            initial=note.effect if note else "",
        )
        self.fields[f"note_{contextual.slug}"] = forms.CharField(
            label=_("Note on %(factor)s") % {"factor": in_sentence(contextual.title)},
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            initial=note.note if note else "",
        )

    def factor_blocks(self):
        """For the template: each factor with its bound fields and question fields."""
        for factor in self.factors:
            yield {
                "factor": factor,
                "rating": self[f"rating_{factor.code}"],
                "evidence": self[f"evidence_{factor.code}"],
                "practices": self[f"practices_{factor.code}"],
                "answers": [self[f"answer_{q.pk}"] for q in factor.questions.all()],
            }

    def context_blocks(self):
        for contextual in self.contextual_factors:
            yield {
                "factor": contextual,
                "effect": self[f"effect_{contextual.slug}"],
                "note": self[f"note_{contextual.slug}"],
            }

    def clean(self):
        cleaned = super().clean()
        for contextual in self.contextual_factors:
            if cleaned.get(f"note_{contextual.slug}") and not cleaned.get(
                f"effect_{contextual.slug}"
            ):
                self.add_error(
                    f"effect_{contextual.slug}", _("Say whether this limits or helps the city.")
                )
        return cleaned

    @transaction.atomic
    def save(self, author):
        data = self.cleaned_data
        assessment = self.instance or Assessment(city=self.city, benchmark=self.benchmark)
        assessment.date = data["date"]
        if assessment.pk is None:
            assessment.author = author
        assessment.save()
        for factor in self.factors:
            rating, _created = FactorRating.objects.get_or_create(
                assessment=assessment, factor=factor
            )
            rating.rating = data[f"rating_{factor.code}"]
            rating.evidence = data[f"evidence_{factor.code}"]
            rating.save()
            rating.practices.set([int(pk) for pk in data[f"practices_{factor.code}"]])
            for question in factor.questions.all():
                QuestionAnswer.objects.update_or_create(
                    assessment=assessment,
                    question=question,
                    defaults={"answer": data[f"answer_{question.pk}"].strip()},
                )
        for contextual in self.contextual_factors:
            effect = data[f"effect_{contextual.slug}"]
            if effect:
                ContextNote.objects.update_or_create(
                    assessment=assessment,
                    contextual_factor=contextual,
                    defaults={"effect": effect, "note": data[f"note_{contextual.slug}"]},
                )
            else:
                ContextNote.objects.filter(
                    assessment=assessment, contextual_factor=contextual
                ).delete()
        return assessment
