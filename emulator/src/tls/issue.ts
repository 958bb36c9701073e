import { createHash, createPrivateKey, KeyObject, randomBytes, webcrypto, X509Certificate } from "node:crypto";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import type * as Asn1js from "asn1js";
import type * as Pkijs from "pkijs";
import type * as Ipaddr from "ipaddr.js";

/**
 * Issues the local CA and the server certificate with PKI.js on node:crypto's WebCrypto. Keys are
 * EC P-256: made in about a millisecond, where an RSA-2048 key takes 50 to 300 ms. (The
 * `selfsigned` package, used before, loads @peculiar/x509's stack of some 200 modules, which alone
 * took longer than a whole start should; PKI.js is 18 modules.)
 */

// Loaded with require: Node's ES module loader would first scan PKI.js's 800 kB CommonJS file for its
// export names, which takes longer than loading it. And PKI.js checks values against the classes of the
// asn1js it requires itself, so this module uses that same copy.
const load = createRequire(import.meta.url);
const pkijs = load("pkijs") as typeof Pkijs;
const asn1js = load("asn1js") as typeof Asn1js;
const ipaddr = load("ipaddr.js") as typeof Ipaddr;

const crypto = webcrypto as unknown as Crypto;
const engine = new pkijs.CryptoEngine({ name: "node", crypto });
const EC = { name: "ECDSA", namedCurve: "P-256" } as const;

const OID = {
  commonName: "2.5.4.3",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** KeyUsage bits (RFC 5280 4.2.1.3), counted from the most significant bit of the first byte. */
const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

export interface IssuedPems {
  cert: string;
  key: string;
}

/** A new CA: self-signed, `cn` as its name, valid until `notAfter`. */
export async function issueCa(cn: string, notAfter: Date): Promise<IssuedPems> {
  const keys = await crypto.subtle.generateKey(EC, true, ["sign", "verify"]);
  const cert = await certificate({
    subject: commonName(cn),
    issuer: commonName(cn),
    publicKey: keys.publicKey,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: true }).toSchema()),
      extension(OID.keyUsage, true, keyUsage([KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
    ],
    signer: keys.privateKey,
  });
  return { cert, key: pkcs8Pem(keys.privateKey) };
}

/** A server certificate for localhost, 127.0.0.1, ::1 and `hosts`, signed by the CA given in PEM (EC or RSA). */
export async function issueServerCert(caCertPem: string, caKeyPem: string, hosts: readonly string[], notAfter: Date): Promise<IssuedPems> {
  const ca = pkijs.Certificate.fromBER(new X509Certificate(caCertPem).raw);
  const keys = await crypto.subtle.generateKey(EC, true, ["sign", "verify"]);
  const names = [
    new pkijs.GeneralName({ type: 2, value: "localhost" }),
    ...["127.0.0.1", "::1", ...hosts].map((h) => (isIP(h) ? new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: new Uint8Array(ipaddr.parse(h).toByteArray()) }) }) : new pkijs.GeneralName({ type: 2, value: h }))),
  ];
  const cert = await certificate({
    subject: commonName("localhost"),
    issuer: ca.subject,
    publicKey: keys.publicKey,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
      extension(OID.keyUsage, true, keyUsage([KEY_USAGE.digitalSignature])),
      extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [OID.serverAuth] }).toSchema()),
      extension(OID.subjectAltName, false, new pkijs.AltName({ altNames: names }).toSchema()),
      extension(OID.authorityKeyIdentifier, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: keyId(ca.subjectPublicKeyInfo) }) }).toSchema()),
    ],
    signer: await importSigner(caKeyPem),
  });
  return { cert, key: pkcs8Pem(keys.privateKey) };
}

async function certificate(o: {
  subject: Pkijs.RelativeDistinguishedNames;
  issuer: Pkijs.RelativeDistinguishedNames;
  publicKey: CryptoKey;
  notAfter: Date;
  extensions: Pkijs.Extension[];
  signer: CryptoKey;
}): Promise<string> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  // A positive serial of 16 random bytes (RFC 5280 4.1.2.2: positive, at most 20 bytes).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x40;
  cert.serialNumber = new asn1js.Integer({ valueHex: new Uint8Array(serial) });
  cert.subject = o.subject;
  cert.issuer = o.issuer;
  cert.notBefore = time(new Date());
  cert.notAfter = time(o.notAfter);
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(await crypto.subtle.exportKey("spki", o.publicKey));
  // Every certificate names its own key: strict verifiers (Python 3.13's default context) ask for it on a CA.
  const ownKeyId = extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: keyId(cert.subjectPublicKeyInfo) }));
  cert.extensions = [...o.extensions, ownKeyId];
  await cert.sign(o.signer, "SHA-256", engine);
  return new X509Certificate(Buffer.from(cert.toSchema(true).toBER(false))).toString();
}

function commonName(cn: string): Pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({ typesAndValues: [new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: cn }) })] });
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(value: Date): Pkijs.Time {
  return new pkijs.Time({ type: value.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime, value });
}

function extension(extnID: string, critical: boolean, value: Asn1js.BaseBlock): Pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** The KeyUsage BIT STRING: the given bits set, trailing zero bits left out as DER wants. */
function keyUsage(bits: number[]): Asn1js.BitString {
  const byte = bits.reduce((b, bit) => b | (0x80 >> bit), 0);
  const unusedBits = 7 - Math.max(...bits);
  return new asn1js.BitString({ valueHex: new Uint8Array([byte]), unusedBits });
}

/** RFC 5280 4.2.1.2 method (1): the SHA-1 of the subjectPublicKey bits. */
function keyId(spki: Pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash("sha1").update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

function pkcs8Pem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }) as string;
}

/** The CA's private key (EC from this module, RSA from data dirs made before) as a WebCrypto signing key. */
async function importSigner(pem: string): Promise<CryptoKey> {
  const key = createPrivateKey(pem);
  const der = key.export({ type: "pkcs8", format: "der" });
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const algorithm =
    key.asymmetricKeyType === "ec"
      ? { name: "ECDSA", namedCurve: curve === "prime256v1" ? "P-256" : curve === "secp384r1" ? "P-384" : "P-521" }
      : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  return crypto.subtle.importKey("pkcs8", der, algorithm, false, ["sign"]);
}
