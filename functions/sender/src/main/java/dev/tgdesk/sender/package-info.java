/** functions/sender */
package dev.tgdesk.sender;
