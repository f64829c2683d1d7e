"""Stage 5, the PDF file: objects and their serialisation, fonts as Type0/CIDFontType2 subsets,
the PDF/X-1a keys and OutputIntent, photos converted for press, each page's content stream and
the writing of a document.

Takes ``IssueLayout`` (``page``), the faces (``fonts``) and the print settings (``issue``). Hands
on bytes written to a file object; where files go and under what names is ``app``'s."""
