{#- How far a figure printed with `decimals` decimals can be from the true one: half a unit of
    its last digit (7,28 -> 0,005; 2.851.115 -> 0,5). The rounding every comparison of printed
    figures allows; orchestration/extract/numbers.py (half_unit) is the same rule for the
    extractor and the load checks, and tests/test_validation.py keeps the two the same. -#}
{% macro half_unit(decimals) -%}
    (0.5 * pow(10, -({{ decimals }})))
{%- endmacro %}
