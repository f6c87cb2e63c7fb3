{# Schemas are named as configured (staging, intermediate, marts, reference), not prefixed
   with the target schema: analysts query marts.mart_udgift_pr_patient. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
