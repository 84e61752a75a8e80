from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def home(request: HttpRequest) -> HttpResponse:
    """Until the web UI lands (issue 6), the back office is the start page."""
    return redirect("admin:index")
