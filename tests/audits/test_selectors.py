"""Reads: who sees which audits, rounds and their scores."""

from django_scopes import scope

from accounts.models import Role
from audits import selectors


def test_admins_and_executives_see_every_audit_and_heads_only_their_department(alpha, q4_round):
    with scope(company=alpha.company):
        seen = {role: {a.department.name for a in selectors.audits_visible_to(membership=alpha.member(role))}
                for role in (Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER)}
        marketing = q4_round.audits.get(department=alpha.departments["marketing"])
        sales = q4_round.audits.get(department=alpha.departments["sales"])
        head = alpha.member(Role.DEPARTMENT_HEAD)
        assert not selectors.can_view_audit(membership=head, audit=marketing)
        assert selectors.can_view_audit(membership=head, audit=sales)
        assert selectors.can_answer_audit(membership=head, audit=sales)
        assert not selectors.can_answer_audit(membership=alpha.member(Role.ADMIN), audit=sales)
    assert seen[Role.ADMIN] == seen[Role.EXECUTIVE] == {"IT", "Management", "Marketing", "Product", "Sales"}
    assert seen[Role.DEPARTMENT_HEAD] == {"Sales"}
    assert seen[Role.SALES_MANAGER] == set()


def test_another_companys_member_sees_none_of_these_audits(alpha, beta, q4_round):
    with scope(company=beta.company):
        assert not selectors.audits_visible_to(membership=beta.member(Role.ADMIN)).filter(round=q4_round).exists()


def test_rounds_and_scores_of_a_company(alpha, q4_round, django_assert_max_num_queries):
    with scope(company=alpha.company):
        assert list(selectors.rounds_of(company=alpha.company)) == [q4_round]
        with django_assert_max_num_queries(1):
            rows = list(selectors.round_scores(round=q4_round))
            accountable = {row.factor.key: row.accountable_department.name for row in rows}
        assert [a.answer_count for a in selectors.audits_of_round(round=q4_round)] == [0] * 5
    assert accountable["sales_tech"] == "Sales"
    assert len(rows) == 7


def test_matrix_and_questionnaire_reads_use_constant_queries(alpha, questionnaire, django_assert_max_num_queries):
    with scope(company=alpha.company), django_assert_max_num_queries(4):
        matrix = selectors.matrix_of(company=alpha.company)
        groups = selectors.questions_by_factor(questionnaire=questionnaire)
    assert matrix["automation"]["accountable"].name == "IT"
    assert [len(questions) for _, questions in groups] == [4, 2, 2, 2, 2, 2, 2]
