package dev.tgdesk.operator.actions;

import dev.tgdesk.operator.ContactFieldDefinition;

import java.util.List;

/**
 * The contact field definitions of a bot and the rule for one value — provided by the identity area
 * ({@code contactFields(botId)} of its store and {@code ContactFieldRules.validate(definition, value)}); the lead
 * wires both in here.
 */
public interface ContactFieldCatalog {

    List<ContactFieldDefinition> contactFields(String botId);

    /**
     * The value to store (normalised), or an {@link IllegalArgumentException} whose message says what is wrong
     * (answered as 400 with the field's name). Never called with null or an empty value: those clear the field.
     */
    String validate(ContactFieldDefinition definition, String value);
}
