"""Reputation pages: the public help page that publishes every formula and threshold."""

from django.shortcuts import render

from . import selectors


def how_it_works(request):
    return render(request, "reputation/how_it_works.html", selectors.published_formulas())
