"""Invented companies for the recognition suite (tests/test_companies.py).

spec.py builds a company's facts as plain dicts; book.py writes its framework workbook in its
own conventions; exports.py writes its review exports in the style of its HR tool; expect.py
computes the statuses and gaps from the product's definitions; roster.py lists the companies
and what ladder-sheets does not recognise in each today.
"""
