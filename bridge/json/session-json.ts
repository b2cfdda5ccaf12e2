/** A login session as the bridge answers it, with the snake_case names of the API. */
import type { Session } from '../../gen/clientauth/v1/account.js';
import { timeJson } from './client-json.js';

export interface SessionJson {
  id: string;
  create_time: string | null;
  last_use_time: string | null;
  expire_time: string | null;
  user_agent: string;
  client_ip: string;
  amr: string[];
  current: boolean;
}

export function sessionJson(session: Session): SessionJson {
  return {
    id: session.id,
    create_time: timeJson(session.createTime),
    last_use_time: timeJson(session.lastUseTime),
    expire_time: timeJson(session.expireTime),
    user_agent: session.userAgent,
    client_ip: session.clientIp,
    amr: session.amr,
    current: session.current,
  };
}
