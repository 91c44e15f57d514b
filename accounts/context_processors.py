from .selectors import companies_of


def company(request):
    """The current company and membership, and the user's companies for the switcher."""
    user = getattr(request, "user", None)
    context = {
        "company": getattr(request, "company", None),
        "membership": getattr(request, "membership", None),
    }
    if user is not None and user.is_authenticated:
        memberships = getattr(request, "my_memberships", None)  # company pages: loaded by CompanyScopeMiddleware
        context["my_memberships"] = companies_of(user=user) if memberships is None else memberships
    return context
