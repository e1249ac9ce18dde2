/** functions/autoclose */
package dev.tgdesk.autoclose;
