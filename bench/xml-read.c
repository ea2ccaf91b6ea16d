/*
 * xml-read.c - the reading floor of `kontora import 1c`: libxml2's
 * streaming reader over each file, with the options the importer gives it
 * (lib/intake/onec.c), every node read and each text's value looked at,
 * nothing built or kept.  No importer that reads CommerceML as DESIGN.md
 * §8 has it (xmlTextReader, bounded memory) can read for less.
 *
 *     xml-read FILE...
 *
 * Prints the number of text bytes seen, so that the loop cannot be left
 * out; exits 1 when a file is not well-formed XML.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/xmlreader.h>

int main(int argc, char **argv)
{
	unsigned long long text = 0;

	for (int i = 1; i < argc; i++) {
		xmlTextReaderPtr r = xmlReaderForFile(argv[i], NULL,
		                                      XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_HUGE);
		int rc;

		if (!r) {
			fprintf(stderr, "xml-read: %s: cannot open\n", argv[i]);
			return 1;
		}
		while ((rc = xmlTextReaderRead(r)) == 1)
			if (xmlTextReaderNodeType(r) == XML_READER_TYPE_TEXT) {
				const xmlChar *v = xmlTextReaderConstValue(r);
				text += v ? strlen((const char *)v) : 0;
			}
		xmlFreeTextReader(r);
		if (rc) {
			fprintf(stderr, "xml-read: %s: not well-formed\n", argv[i]);
			return 1;
		}
	}
	printf("%llu\n", text);
	return 0;
}
