package dev.tgdesk.scenario;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TemplateTest {

    private final Map<String, String> contact = Map.of("first_name", "Анна", "username", "anna_p", "empty", " ");

    @Test
    void substitutesVariablesAndFallbacks() {
        assertEquals("Анна (@anna_p) declined the survey — is everything ok?",
                Template.render("{{first_name}} (@{{username}}) declined the survey — is everything ok?", contact::get));
        assertEquals("Hello, friend!", Template.render("Hello, {{ last_name | friend }}!", contact::get));
        assertEquals("Hi, dear!", Template.render("Hi, {{empty|dear}}!", contact::get));
        assertEquals("Hi, !", Template.render("Hi, {{missing}}!", contact::get));
    }

    @Test
    void valuesAreInsertedLiterallyAndUnmatchedBracesStay() {
        Map<String, String> tricky = Map.of("name", "$1 <b>\\x</b> {{first_name}}");
        assertEquals("[$1 <b>\\x</b> {{first_name}}]", Template.render("[{{name}}]", tricky::get));
        assertEquals("{{ not closed", Template.render("{{ not closed", contact::get));
        assertEquals("{{1bad}}", Template.render("{{1bad}}", contact::get));
    }

    @Test
    void listsVariables() {
        assertEquals(Set.of("first_name", "username"), Template.variables("{{first_name}} {{username|x}} {{first_name}}"));
    }

    @Test
    void htmlEscapingAppliesToValuesNotToTemplateOrFallback() {
        assertEquals("<b>&lt;a&gt; &amp; &quot;b&quot;</b> <i>x</i>",
                Template.render("<b>{{v}}</b> {{none|<i>x</i>}}", Map.of("v", "<a> & \"b\"")::get, Template::escapeHtml));
        assertEquals("team_chat", Template.soleVariable(" {{ team_chat }} "));
        assertEquals(null, Template.soleVariable("{{team_chat|@x}}"));
        assertEquals(null, Template.soleVariable("@{{team_chat}}"));
    }
}
