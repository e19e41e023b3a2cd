"""What the test SMTP server received, read as a person reads their inbox."""

import mailbox
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Letter:
    to: list[str]
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    # (filename, content type, bytes) of each attached file
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)

    @property
    def links(self) -> list[str]:
        return LINK.findall(self.body)

    @property
    def first_link(self) -> str:
        assert self.links, f"no link in the letter «{self.subject}»:\n{self.body}"
        return self.links[0]

    def first_path(self) -> str:
        """The first link without the portal's host, for the test client."""
        return re.sub(r"^https?://[^/]+", "", self.first_link)


def _letter(message: Message) -> Letter:
    from email.header import decode_header, make_header

    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return Letter(
        to=[a.strip() for a in str(make_header(decode_header(message["To"]))).split(",")],
        subject=str(make_header(decode_header(message["Subject"]))),
        body=body,
        # A long header is folded onto several lines: read it unfolded, as a client does.
        headers={
            k: " ".join(str(make_header(decode_header(v))).split()) for k, v in message.items()
        },
        attachments=[
            (p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
            for p in message.walk()
            if p.get_filename()
        ],
    )


def _arrival(key: str) -> tuple[int, int, str]:
    """A Maildir key begins with the delivery time, «<seconds>.M<microseconds>P…», the
    microseconds not zero-padded: compared as text, M99999 would come after M100000."""
    seconds, _, rest = key.partition(".")
    micro = re.match(r"M(\d+)", rest)
    return (int(seconds), int(micro.group(1)) if micro else 0, key)


class Mailbox:
    def __init__(self, maildir: str, capture_on_commit):
        self._box = mailbox.Maildir(maildir)
        self._capture = capture_on_commit

    @contextmanager
    def sending(self):
        """Letters are queued after the change commits; a test's transaction never commits,
        so run what was queued when the block ends (the task itself runs in-process)."""
        with self._capture(execute=True):
            yield

    @property
    def letters(self) -> list[Letter]:
        return [_letter(self._box[key]) for key in sorted(self._box.keys(), key=_arrival)]

    def to(self, address: str) -> list[Letter]:
        return [letter for letter in self.letters if address in letter.to]

    def last(self, address: str | None = None) -> Letter:
        letters = self.to(address) if address else self.letters
        assert letters, f"no letter{f' to {address}' if address else ''} arrived"
        return letters[-1]

    def clear(self) -> None:
        self._box.clear()
