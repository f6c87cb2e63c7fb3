{#- The factor that turns an amount printed in a scaled unit into kroner: 1 000 000 for
    "mio. kr.", 1 000 000 000 for "mia. kr.", 1 otherwise. -#}
{% macro kr_scale(unit) -%}
    (case {{ unit }} when 'mio. kr.' then 1000000 when 'mia. kr.' then 1000000000 else 1 end)
{%- endmacro %}
