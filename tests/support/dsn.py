"""Delivery-status notifications shaped like real MTAs write them (Postfix, Exchange)."""

from __future__ import annotations

import uuid


def postfix_dsn(
    delivery_id: uuid.UUID,
    recipient: str,
    *,
    mail_domain: str = "digituki.fi",
    status: str = "5.1.1",
    action: str = "failed",
    verp: bool = True,
) -> bytes:
    """Postfix's bounce(8) mail: sent to the envelope sender, i.e. our VERP address."""
    to = f"bounces+{delivery_id.hex}@{mail_domain}" if verp else f"postmaster@{mail_domain}"
    code = "550" if status.startswith("5") else "450"
    return f"""Return-Path: <>
Delivered-To: {to}
Received: by mx.example.fi (Postfix) id 4Zx1y2; Mon,  2 Mar 2026 10:00:02 +0200 (EET)
Date: Mon,  2 Mar 2026 10:00:02 +0200 (EET)
From: MAILER-DAEMON@mx.example.fi (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4Zx1y2.1740902402/mx.example.fi"
Message-Id: <20260302080002.4Zx1y2@mx.example.fi>

This is a MIME-encapsulated message.

--4Zx1y2.1740902402/mx.example.fi
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.fi.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{recipient}>: host mail.example.fi[192.0.2.7] said: {code} {status}
    <{recipient}>: Recipient address rejected: User unknown (in reply to RCPT TO command)

--4Zx1y2.1740902402/mx.example.fi
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.fi
X-Postfix-Queue-ID: 4Zx1y2
X-Postfix-Sender: rfc822; bounces+{delivery_id.hex}@{mail_domain}
Arrival-Date: Mon,  2 Mar 2026 10:00:01 +0200 (EET)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.fi
Diagnostic-Code: smtp; {code} {status} <{recipient}>: Recipient address rejected:
    User unknown

--4Zx1y2.1740902402/mx.example.fi
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Digituki <uutiskirje@{mail_domain}>
To: {recipient}
Subject: Digitaitoviikko 2026
Message-ID: <{delivery_id}@{mail_domain}>

--4Zx1y2.1740902402/mx.example.fi--
""".replace("\n", "\r\n").encode()


def exchange_dsn(delivery_id: uuid.UUID, recipient: str, mail_domain: str = "digituki.fi") -> bytes:
    """Exchange Online's NDR: relayed, so no VERP header survives; the returned message
    (message/rfc822) still has our Message-ID."""
    return f"""From: postmaster@contoso.onmicrosoft.com
To: uutiskirje@{mail_domain}
Date: Mon, 2 Mar 2026 08:00:05 +0000
Subject: Undeliverable: Digitaitoviikko 2026
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="5e1c6f9a-0b7d-4c3e-9a51-2f0c9d7e1a33"
MIME-Version: 1.0
Message-ID: <9f3b2c1a-ndr@AM0PR01MB1234.eurprd01.prod.exchangelabs.com>
Auto-Submitted: auto-replied

--5e1c6f9a-0b7d-4c3e-9a51-2f0c9d7e1a33
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="b7a0c9d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d"

--b7a0c9d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d
Content-Type: text/plain; charset="us-ascii"

Your message to {recipient} couldn't be delivered.

--b7a0c9d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d--

--5e1c6f9a-0b7d-4c3e-9a51-2f0c9d7e1a33
Content-Type: message/delivery-status

Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.exchangelabs.com
Received-From-MTA: dns;mail.{mail_domain}
Arrival-Date: Mon, 2 Mar 2026 08:00:04 +0000

Final-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by
 SMTP address lookup

--5e1c6f9a-0b7d-4c3e-9a51-2f0c9d7e1a33
Content-Type: message/rfc822

From: Digituki <uutiskirje@{mail_domain}>
To: <{recipient}>
Subject: Digitaitoviikko 2026
Message-ID: <{delivery_id}@{mail_domain}>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hei!

--5e1c6f9a-0b7d-4c3e-9a51-2f0c9d7e1a33--
""".replace("\n", "\r\n").encode()
