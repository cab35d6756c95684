"""Activity 7: the child's help plan (hulpverleningsplan) with goals per life domain, actions,
evaluations with a 0-10 score per goal, and the log of guidance contacts (begeleidingscontacten).

Free text about the child is encrypted at rest. Scores are checked in the model (validators and
database constraints) and in the services."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway

SCORE_MIN = 0
SCORE_MAX = 10
SCORE_VALIDATORS = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
DURATION_MAX = 600  # minutes: a guidance contact lasts at most ten hours


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted")


class Domain(models.TextChoices):
    """The life domains of the goals, in the order the plan shows them."""

    SAFETY = "safety", _("safety")
    WELLBEING = "wellbeing", _("wellbeing and trauma")
    DEVELOPMENT = "development", _("development")
    SCHOOL = "school", _("school")
    RELATIONSHIPS = "relationships", _("relationships")
    PARENTING = "parenting", _("parenting situation")


DOMAIN_ORDER = {value: index for index, value in enumerate(Domain.values)}


class ContactKind(models.TextChoices):
    CHILD_CONVERSATION = "child_conversation", _("conversation with the child")
    PLAY = "play", _("play or creative session")
    ACTIVITY = "activity", _("activity together")
    PARENT_CONVERSATION = "parent_conversation", _("conversation with the parent")
    NETWORK = "network", _("contact with school or network")
    OTHER = "other", _("other")


class HelpPlan(TimeStampedModel):
    """One per pathway. The goals, actions and evaluations hang below it."""

    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="help_plan")
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              db_index=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("adopted by"),
    )
    child_view = EncryptedTextField(_("the child's view"), blank=True)
    parent_view = EncryptedTextField(_("the parent's view"), blank=True)
    next_evaluation_on = models.DateField(_("next evaluation"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("made by"),
    )

    class Meta:
        verbose_name = _("help plan")
        verbose_name_plural = _("help plans")

    def __str__(self) -> str:
        return f"help plan {self.pk} ({self.status})"


class Goal(models.Model):
    plan = models.ForeignKey(HelpPlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("life domain"), max_length=20, choices=Domain.choices)
    description = EncryptedTextField(_("goal"))
    start_score = models.PositiveSmallIntegerField(_("score at the start"), validators=SCORE_VALIDATORS)
    order = models.PositiveIntegerField(_("order"), default=0)
    # A goal that was removed after it had been scored or served by a contact is ended, not
    # deleted, so that the evaluations keep their history.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(condition=models.Q(start_score__gte=SCORE_MIN, start_score__lte=SCORE_MAX),
                                   name="plans_goal_start_score_0_10"),
        ]

    def __str__(self) -> str:
        return f"goal {self.pk} ({self.domain})"


class Action(TimeStampedModel):
    """What someone does for a goal, and by when."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    who = models.CharField(_("who"), max_length=200)
    what = EncryptedTextField(_("what"))
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("made by"),
    )

    class Meta:
        ordering = ["goal", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"action {self.pk}"


class Evaluation(models.Model):
    plan = models.ForeignKey(HelpPlan, on_delete=models.CASCADE, related_name="evaluations")
    held_on = models.DateField(_("held on"))
    notes = EncryptedTextField(_("notes"), blank=True)
    child_view = EncryptedTextField(_("the child's view"), blank=True)
    parent_view = EncryptedTextField(_("the parent's view"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "held_on", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"evaluation {self.pk}"


class GoalScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"), validators=SCORE_VALIDATORS)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal"], name="plans_goalscore_unique_goal"),
            models.CheckConstraint(condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                                   name="plans_goalscore_score_0_10"),
        ]

    def __str__(self) -> str:
        return f"score {self.pk}"


class GuidanceContact(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="guidance_contacts")
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), validators=[MinValueValidator(1), MaxValueValidator(DURATION_MAX)])
    with_whom = models.CharField(_("with whom"), max_length=200, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    goals = models.ManyToManyField(Goal, related_name="contacts", blank=True, verbose_name=_("goals it served"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["pathway", "-date", "-pk"]
        verbose_name = _("guidance contact")
        verbose_name_plural = _("guidance contacts")
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=DURATION_MAX),
                                   name="plans_guidancecontact_duration"),
        ]

    def __str__(self) -> str:
        return f"guidance contact {self.pk}"
