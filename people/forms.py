import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from people.codes import Disability, Ethnicity, Sex
from people.models import (
    BreakGlassReason,
    BreakGlassReview,
    RelationshipKind,
    RestrictionCategory,
)
from people.search import search_criteria_parse
from people.services import PersonDetails, person_details_validate

NOTHING_TO_SEARCH = "Enter a name, date of birth, postcode, NHS number, UPN or phone number"


class PersonSearchForm(forms.Form):
    """GET form: every field optional, at least one needed; errors come from the search parser."""

    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="Given name and family name, for example Jon Smyth. Spelling need not be exact",
    )
    dob = forms.CharField(
        label="Date of birth",
        required=False,
        max_length=20,
        help_text="For example, 27/3/2015. Or just the month and year, 3/2015, or the year",
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        help_text="A full postcode, like CV34 4RL, or the first part, like CV34",
    )
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=20)
    upn = forms.CharField(label="Unique pupil number (UPN)", required=False, max_length=20)
    phone = forms.CharField(label="Phone number", required=False, max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = None
        # The page renders the fields with people/includes/text_field.html (see there why); the
        # helper is kept for the error summary.
        self.helper = FormHelper()
        self.helper.form_method = "get"

    def clean(self):
        cleaned = super().clean()
        criteria, errors = search_criteria_parse(
            name=cleaned.get("name", ""),
            dob=cleaned.get("dob", ""),
            postcode=cleaned.get("postcode", ""),
            nhs_number=cleaned.get("nhs_number", ""),
            upn=cleaned.get("upn", ""),
            phone=cleaned.get("phone", ""),
        )
        for field, message in errors.items():
            self.add_error(field, message)
        if not errors and criteria.is_empty:
            self.add_error("name", NOTHING_TO_SEARCH)
        self.criteria = criteria
        return cleaned


class GovDateField(DateInputField):
    """A GOV.UK date input whose messages name the field ("Date of birth must be a real date")."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(label=label, required=False, require_all_fields=False, **kwargs)
        self.error_messages["incomplete"] = f"{label} must include a day, month and year"
        messages = [("day", "a day"), ("month", "a month"), ("year", "a year")]
        for subfield, (_part, words) in zip(self.fields, messages, strict=True):
            subfield.error_messages["incomplete"] = f"{label} must include {words}"
            subfield.validators = []
        self.real_date_message = f"{label} must be a real date"

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = data_list
        try:
            if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
                raise ValueError
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(self.real_date_message, code="invalid") from None


class PersonCreateForm(forms.Form):
    search = forms.UUIDField(widget=forms.HiddenInput)
    given_name = forms.CharField(
        label="Given name",
        max_length=100,
        error_messages={"required": "Enter the person's given name"},
    )
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        error_messages={"required": "Enter the person's family name"},
    )
    date_of_birth = GovDateField(label="Date of birth", help_text="For example, 27 3 2015")
    expected_date_of_birth = GovDateField(
        label="Expected date of birth", help_text="For an unborn child only. For example, 14 9 2027"
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN)
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=20,
        help_text="10 digits, for example 943 476 5919",
    )
    upn = forms.CharField(label="Unique pupil number (UPN)", required=False, max_length=20)
    la_child_id = forms.CharField(label="Local child ID", required=False, max_length=30)
    address_line_1 = forms.CharField(label="Address line 1", required=False, max_length=200)
    address_town = forms.CharField(label="Town or city", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    phone = forms.CharField(label="Phone number", required=False, max_length=30)
    ethnicity = forms.ChoiceField(
        label="Ethnicity", required=False, choices=[("", "Not recorded")] + Ethnicity.choices
    )
    first_language = forms.CharField(label="First language", required=False, max_length=60)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    religion = forms.CharField(label="Religion", required=False, max_length=60)
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        required=False,
        choices=Disability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    school_or_setting = forms.CharField(label="School or setting", required=False, max_length=200)
    restriction_category = forms.ChoiceField(
        label="Restrict this record",
        required=False,
        choices=[("", "Not restricted")] + RestrictionCategory.choices,
        help_text="Only Family Connect managers will see a restricted record",
    )
    duplicate_choice = forms.ChoiceField(
        label="Is this person one of the records shown?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select one of the records shown, or 'None of these'"},
    )

    def __init__(self, *args, candidates=(), can_restrict=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        choices = [
            (str(match.person.pk), f"{match.person}") for match in self.candidates if match.person
        ]
        self.fields["duplicate_choice"].choices = choices + [
            ("NONE", "None of these: add a new person")
        ]
        if not can_restrict:
            del self.fields["restriction_category"]
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        layout = [
            "search",
            Fieldset(
                Field.text("given_name", field_width=20),
                Field.text("family_name", field_width=20),
                legend="Name",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("date_of_birth"),
                Field("expected_date_of_birth"),
                Field.radios("sex", inline=True),
                legend="Birth and sex",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("nhs_number", field_width=10),
                Field.text("upn", field_width=20),
                Field.text("la_child_id", field_width=20),
                legend="Identifiers",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("address_line_1"),
                Field.text("address_town", field_width=20),
                Field.text("postcode", field_width=10),
                Field.text("phone", field_width=20),
                legend="Address and phone",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("ethnicity"),
                Field.text("first_language", field_width=20),
                Field.checkbox("interpreter_needed"),
                Field.text("religion", field_width=20),
                Field.checkboxes("disabilities", small=True),
                Field.text("school_or_setting"),
                legend="About the person",
                legend_size=Size.MEDIUM,
            ),
        ]
        if can_restrict:
            layout.append(Field.select("restriction_category"))
        if self.candidates:
            layout.append(Field.radios("duplicate_choice", legend_size=Size.MEDIUM))
        layout.append(Button("save", "Check and add person" if not self.candidates else "Continue"))
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        details = self.details()
        for field, message in person_details_validate(details).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    def details(self) -> PersonDetails:
        c = self.cleaned_data
        category = c.get("restriction_category", "")
        return PersonDetails(
            given_name=c.get("given_name", ""),
            family_name=c.get("family_name", ""),
            date_of_birth=c.get("date_of_birth"),
            expected_date_of_birth=c.get("expected_date_of_birth"),
            sex=c.get("sex") or Sex.UNKNOWN,
            ethnicity=c.get("ethnicity", ""),
            first_language=c.get("first_language", ""),
            interpreter_needed=c.get("interpreter_needed", False),
            religion=c.get("religion", ""),
            disabilities=c.get("disabilities", []),
            nhs_number=c.get("nhs_number", ""),
            upn=c.get("upn", ""),
            la_child_id=c.get("la_child_id", ""),
            school_or_setting=c.get("school_or_setting", ""),
            address_line_1=c.get("address_line_1", ""),
            address_town=c.get("address_town", ""),
            postcode=c.get("postcode", ""),
            phone=c.get("phone", ""),
            restricted=bool(category),
            restriction_category=category,
        )


class PersonMergeForm(forms.Form):
    reason = forms.CharField(
        label="Why are these the same person?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why these records are the same person"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(Field.textarea("reason"), Button("merge", "Merge records"))


class MergeChooseForm(forms.Form):
    other = forms.UUIDField(
        label="Person ID of the duplicate record",
        help_text="Shown at the bottom of the person's page",
        error_messages={
            "required": "Enter the person ID of the duplicate record",
            "invalid": "Enter a person ID in the form shown on the person's page",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("other", field_width=30), Button("choose", "Compare")
        )


class RelationshipForm(forms.Form):
    other_person = forms.UUIDField(
        label="Person ID of the other person",
        help_text="Shown at the bottom of their page. Search for them first if they are new",
        error_messages={
            "required": "Enter the person ID of the other person",
            "invalid": "Enter a person ID in the form shown on the person's page",
        },
    )
    kind = forms.ChoiceField(
        label="The other person is this person's",
        choices=[("", "Choose a relationship")] + RelationshipKind.choices,
        error_messages={"required": "Select how they are related"},
    )
    parental_responsibility = forms.BooleanField(
        label="The other person holds parental responsibility for this person", required=False
    )
    family_network = forms.BooleanField(
        label="The other person is part of this person's family network", required=False
    )
    lives_with = forms.BooleanField(label="They live together", required=False)
    start_date = GovDateField(
        label="Since", help_text="For example, 27 3 2023. Leave blank if not known"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("other_person", field_width=30),
            Field.select("kind"),
            Field.checkbox("parental_responsibility"),
            Field.checkbox("family_network"),
            Field.checkbox("lives_with"),
            Field("start_date"),
            Button("save", "Add relationship"),
        )


class PickedRelationshipForm(RelationshipForm):
    """A relationship whose other person is picked from the people a page offers (its household,
    someone found by name, someone just recorded), never pasted as an ID. ``candidates`` are
    people the user may see (restricted people are never offered). Used by the person page, the
    consultation's children step and (its radios) the picker of docs/front-door.md."""

    def __init__(
        self,
        *args,
        candidates=(),
        help_text="People in this person's household and family, and anyone you found",
        save_label="Add relationship",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.candidates = {str(person.pk): person for person in candidates}
        self.helper.form_tag = False  # the page writes the form, posting to the picker's action
        self.fields["other_person"] = forms.ChoiceField(
            label="Who is the other person?",
            help_text=help_text,
            choices=[(pk, str(person)) for pk, person in self.candidates.items()],
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select who the other person is",
                "invalid_choice": "Select one of the people listed",
            },
        )
        self.helper.layout = Layout(
            Field.radios("other_person", legend_size=Size.SMALL),
            Field.select("kind"),
            Field.checkbox("parental_responsibility"),
            Field.checkbox("family_network"),
            Field.checkbox("lives_with"),
            Field("start_date"),
            Button("save", save_label),
        )

    def clean_other_person(self):
        return self.candidates[self.cleaned_data["other_person"]]


class PickerSearchForm(forms.Form):
    """The picker's "find someone else by name" (a GET form on the page that hosts it)."""

    name = forms.CharField(
        label="Find someone else by name",
        max_length=200,
        help_text="Given name and family name, for example Jon Smyth. Spelling need not be exact",
        error_messages={"required": "Enter a name to search for"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = None
        self.helper = FormHelper()
        self.helper.form_tag = False  # the picker's template writes the form, with its query
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(Field.text("name"), Button.secondary("find", "Search"))

    def clean_name(self):
        criteria, errors = search_criteria_parse(name=self.cleaned_data["name"])
        if errors or criteria.is_empty:
            raise ValidationError(errors.get("name", "Enter a name to search for"))
        self.criteria = criteria
        return self.cleaned_data["name"]


class NewPersonForm(forms.Form):
    """Someone new, recorded in place from the picker after a name search (search before
    create): the few details known on the spot; the rest is added on their page later."""

    prefix = "new"
    search = forms.UUIDField(widget=forms.HiddenInput)
    given_name = forms.CharField(
        label="Given name",
        max_length=100,
        error_messages={"required": "Enter the new person's given name"},
    )
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        error_messages={"required": "Enter the new person's family name"},
    )
    date_of_birth = GovDateField(
        label="Date of birth", help_text="For example, 27 3 1990. Leave blank if not known"
    )
    save_label = "Record them and choose them"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the picker's template writes the form, with its query
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(*self.layout_fields(), Button("record_new", self.save_label))

    def layout_fields(self):
        return [
            Field("search"),
            Field.text("given_name", field_width=20),
            Field.text("family_name", field_width=20),
            Field("date_of_birth"),
        ]

    def details(self) -> PersonDetails:
        return PersonDetails(
            given_name=self.cleaned_data["given_name"].strip(),
            family_name=self.cleaned_data["family_name"].strip(),
            date_of_birth=self.cleaned_data.get("date_of_birth"),
        )


class BreakGlassForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why do you need this record now?",
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you need this record"},
    )
    reason_detail = forms.CharField(
        label="Explain what you need it for",
        help_text="A manager reads this when they review your access",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Explain why you need this record now"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("reason", legend_size=Size.MEDIUM),
            Field.textarea("reason_detail"),
            Button(
                "save", "Open the record and record my reason", css_class="govuk-button--warning"
            ),
        )


class BreakGlassReviewForm(forms.Form):
    review = forms.ChoiceField(
        label="Your review",
        choices=BreakGlassReview.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select agree or refer to information governance"},
    )
    review_note = forms.CharField(
        label="Note",
        help_text="Needed when you refer the use to information governance",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("review", legend_size=Size.MEDIUM),
            Field.textarea("review_note"),
            Button("save", "Record review"),
        )


class RestrictionGrantForm(forms.Form):
    username = forms.CharField(
        label="Username of the worker who may see this record",
        max_length=150,
        error_messages={"required": "Enter the worker's username"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("username", field_width=20), Button("grant", "Name this worker")
        )
