import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import type { Clock } from "../../clock.ts";
import type { Store } from "../../store/store.ts";
import type { User } from "../../store/types.ts";
import { graphErrors } from "../../errors/graph-error.ts";
import { checkRequired, readUserBody } from "./body.ts";
import { contextUrl } from "./links.ts";
import { findUser, insertUser } from "../../directory/users.ts";
import { principalOf } from "../../http/principal.ts";
import { readOptions } from "./query.ts";
import { defaultUserView } from "./views.ts";

/**
 * POST /users: 201 with the new user. Needs accountEnabled, displayName,
 * mailNickname, passwordProfile.password and a userPrincipalName on a
 * verified domain of the tenant that no other user has.
 */
export function createUser(store: Store, clock: Clock) {
  return (req: Request, res: Response): void => {
    const principal = principalOf(res);
    readOptions(req, []);
    const props = readUserBody(req.body);
    const password = checkRequired(props);
    const { passwordProfile: _profile, ...rest } = props;
    const upn = props.userPrincipalName as string;
    const user = store.write(principal.tenantId, (t) => {
      const domain = upn.slice(upn.lastIndexOf("@") + 1).toLowerCase();
      if (!t.domains.some((d) => d.toLowerCase() === domain)) throw graphErrors.upnDomainInvalid();
      if (findUser(t, upn)) throw graphErrors.upnConflict();
      const mail = typeof props.mail === "string" ? props.mail : null;
      const created: User = {
        id: randomUUID(),
        displayName: props.displayName as string,
        userPrincipalName: upn,
        givenName: null,
        surname: null,
        mail,
        jobTitle: null,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: null,
        businessPhones: [],
        ...rest,
        accountEnabled: props.accountEnabled as boolean,
        password,
        directoryRoles: [],
        tokensValidFrom: new Date(0).toISOString(),
        managerId: null,
        createdDateTime: clock.now().toISOString(),
        creationType: null,
        userType: typeof props.userType === "string" ? props.userType : "Member",
        proxyAddresses: mail ? [`SMTP:${mail}`] : [],
        identities: Array.isArray(props.identities)
          ? props.identities
          : [{ signInType: "userPrincipalName", issuer: t.defaultDomain, issuerAssignedId: upn }],
      };
      insertUser(t, created);
      return created;
    });
    res.status(201).json({ "@odata.context": contextUrl(res, "users", null, true), ...defaultUserView(user) });
  };
}
