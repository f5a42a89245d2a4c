/**
 * Advice for HttpAsyncClient 4.1's package-private exec ({@code MainClientExec},
 * {@code InternalState}, {@code AbstractClientExchangeHandler}). It must be compiled in the
 * library's package to call those members; at run time it is never loaded as a class, only
 * inlined into the library's own classes by the agent. These files ship inside the agent jar's
 * hidden {@code inst/} folder and are invisible to the application.
 */
package org.apache.http.impl.nio.client;
