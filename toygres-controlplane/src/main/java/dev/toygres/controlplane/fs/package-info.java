/** Small file-system helpers shared by the data plane and the backup store. */
package dev.toygres.controlplane.fs;
