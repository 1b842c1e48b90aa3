from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from people.selectors import person_get_for_user


@login_required
def person_detail(request, person_id):
    person = person_get_for_user(request=request, person_id=person_id)
    return render(request, "people/person_detail.html", {"person": person})
