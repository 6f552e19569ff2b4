--
-- gue.lua: Wireshark/tshark dissector for Generic UDP Encapsulation as
-- toukit puts it on the wire.
--
--   * draft-ietf-intarea-gue-09: variant 0 header (Var, C, Hlen, Proto/ctype,
--     Flags), variant 1 (direct IPv4/IPv6), control messages (C = 1).
--   * draft-ietf-intarea-gue-extensions-06 in toukit's pinned layout: flags
--     V 0x8000 (VNID, 4 B), SEC 0x6000 (security, 8/16/32 B), F 0x1000
--     (fragmentation, 8 B), T 0x0800 (payload transform, 4 B), R 0x0400
--     (remote checksum offload, 4 B), K 0x0200 (GUE checksum, 4 B), in that
--     order after the base header.
--   * optional Linux `fou` layout (preference "linux_layout"): P flag 0x0001
--     announcing a private-flags word whose only bit is REMCSUM 0x80000000.
--
-- Data payloads go to the "ip.proto" table by Proto; Proto 59 ("no next
-- header") is shown as data, except that a payload-transform Type DTLS (1)
-- goes to the "dtls" dissector. Variant 1 goes to "ip"/"ipv6". Control
-- message payloads are shown as data. Malformed headers raise expert-info
-- errors.
--
-- Use:   tshark -X lua_script:tools/wireshark/gue.lua -r capture.pcap
-- Other UDP ports:   add  -d udp.port==N,gue
--
-- SPDX-License-Identifier: MIT
--

local GUE_PORT = 6080

local FLAG_V = 0x8000
local FLAG_SEC_UNIT = 0x2000 -- SEC is the 2-bit value (flags / 0x2000) % 4
local FLAG_F = 0x1000
local FLAG_T = 0x0800
local FLAG_R = 0x0400
local FLAG_K = 0x0200
local FLAGS_UNKNOWN_BELOW = 0x0200 -- every bit below K is unassigned
local SEC_LEN = { [0] = 0, [1] = 8, [2] = 16, [3] = 32 }

local LINUX_FLAG_PRIV = 0x0001
local LINUX_PFLAG_REMCSUM = 0x80000000

local PROTO_NO_NEXT = 59
local CTYPE_EXPERIMENTAL = 255
local TRANSFORM_DTLS = 1

local gue = Proto("gue", "Generic UDP Encapsulation")

local variant_names = { [0] = "GUE header", [1] = "Direct IP", [2] = "Reserved", [3] = "Reserved" }
local sec_names = { [0] = "None", [1] = "64-bit", [2] = "128-bit", [3] = "256-bit" }
local ctype_names = { [0] = "Needs more context", [255] = "Experimental" }
local transform_names = { [1] = "DTLS" }

local f = {
  variant = ProtoField.uint8("gue.variant", "Variant", base.DEC, variant_names, 0xC0),
  control = ProtoField.bool("gue.control", "Control message", 8, nil, 0x20),
  hlen = ProtoField.uint8("gue.hlen", "Hlen", base.DEC, nil, 0x1F, "Extension words after the first 4 bytes"),
  proto = ProtoField.uint8("gue.proto", "Proto", base.DEC),
  ctype = ProtoField.uint8("gue.ctype", "Control type", base.DEC, ctype_names),
  flags = ProtoField.uint16("gue.flags", "Flags", base.HEX),
  flag_v = ProtoField.bool("gue.flags.v", "V (VNID)", 16, nil, FLAG_V),
  flag_sec = ProtoField.uint16("gue.flags.sec", "SEC (security)", base.DEC, sec_names, 0x6000),
  flag_f = ProtoField.bool("gue.flags.f", "F (fragmentation)", 16, nil, FLAG_F),
  flag_t = ProtoField.bool("gue.flags.t", "T (payload transform)", 16, nil, FLAG_T),
  flag_r = ProtoField.bool("gue.flags.r", "R (remote checksum offload)", 16, nil, FLAG_R),
  flag_k = ProtoField.bool("gue.flags.k", "K (checksum)", 16, nil, FLAG_K),
  flag_unassigned = ProtoField.uint16("gue.flags.unassigned", "Unassigned", base.HEX, nil, 0x01FF),
  flag_p = ProtoField.bool("gue.flags.p", "P (Linux private flags)", 16, nil, LINUX_FLAG_PRIV),
  vnid = ProtoField.uint32("gue.vnid", "VNID", base.DEC_HEX),
  security = ProtoField.bytes("gue.security", "Security"),
  frag_offset = ProtoField.uint16("gue.frag.offset", "Fragment offset", base.DEC, nil, 0xFFF8, "In 8-byte units"),
  frag_more = ProtoField.bool("gue.frag.more", "More fragments", 16, nil, 0x0001),
  frag_orig = ProtoField.uint8("gue.frag.orig_proto", "Original Proto/ctype", base.DEC),
  frag_id = ProtoField.uint32("gue.frag.id", "Identification", base.HEX),
  transform_type = ProtoField.uint8("gue.transform.type", "Transform type", base.DEC, transform_names),
  transform_orig = ProtoField.uint8("gue.transform.orig_proto", "Original Proto/ctype", base.DEC),
  transform_specific = ProtoField.uint16("gue.transform.specific", "Type-specific", base.HEX),
  remcsum_start = ProtoField.uint16("gue.remcsum.start", "Checksum start", base.DEC),
  remcsum_offset = ProtoField.uint16("gue.remcsum.offset", "Checksum offset", base.DEC),
  checksum = ProtoField.uint16("gue.checksum", "Checksum", base.HEX),
  checksum_coverage = ProtoField.uint16("gue.checksum.coverage", "Payload coverage", base.DEC),
  checksum_status = ProtoField.string("gue.checksum.status", "Checksum status"),
  priv_flags = ProtoField.uint32("gue.priv_flags", "Private flags", base.HEX),
  priv_remcsum = ProtoField.bool("gue.priv_flags.remcsum", "REMCSUM", 32, nil, LINUX_PFLAG_REMCSUM),
  exid = ProtoField.uint32("gue.exid", "Experimental ID", base.HEX),
  control_payload = ProtoField.bytes("gue.control_payload", "Control payload"),
}
gue.fields = {
  f.variant, f.control, f.hlen, f.proto, f.ctype, f.flags, f.flag_v, f.flag_sec, f.flag_f, f.flag_t,
  f.flag_r, f.flag_k, f.flag_unassigned, f.flag_p, f.vnid, f.security, f.frag_offset, f.frag_more,
  f.frag_orig, f.frag_id, f.transform_type, f.transform_orig, f.transform_specific, f.remcsum_start,
  f.remcsum_offset, f.checksum, f.checksum_coverage, f.checksum_status, f.priv_flags, f.priv_remcsum,
  f.exid, f.control_payload,
}

local function expert_error(abbr, text)
  return ProtoExpert.new(abbr, text, expert.group.MALFORMED, expert.severity.ERROR)
end
local ex = {
  truncated = expert_error("gue.truncated", "GUE datagram shorter than the 4-byte header"),
  variant = expert_error("gue.variant.reserved", "Reserved GUE variant (2 or 3)"),
  direct = expert_error("gue.variant.direct_bad", "Variant 1 payload is neither IPv4 nor IPv6"),
  hlen_past_end = expert_error("gue.hlen.past_end", "Hlen goes past the end of the datagram"),
  hlen_mismatch = expert_error("gue.hlen.mismatch", "Hlen does not match the extension fields the flags announce"),
  flags_unknown = expert_error("gue.flags.unknown", "Unknown GUE flag set"),
  bad_checksum = expert_error("gue.checksum.bad", "GUE checksum mismatch"),
  coverage = expert_error("gue.checksum.coverage_past_end", "Checksum coverage goes past the end of the payload"),
  exid_missing = expert_error("gue.exid.missing", "Experimental control message without its 4-byte ExID"),
  transform_unknown = ProtoExpert.new("gue.transform.unknown", "Unknown payload-transform type",
    expert.group.UNDECODED, expert.severity.WARN),
}
gue.experts = {
  ex.truncated, ex.variant, ex.direct, ex.hlen_past_end, ex.hlen_mismatch, ex.flags_unknown,
  ex.bad_checksum, ex.coverage, ex.exid_missing, ex.transform_unknown,
}

gue.prefs.udp_port = Pref.uint("UDP port", GUE_PORT, "UDP port GUE is registered on")
gue.prefs.linux_layout = Pref.bool("Linux layout", false,
  "Interpret flags as the Linux fou module does (P flag + private flags) instead of the extensions draft")

local function bit_set(value, mask)
  return math.floor(value / mask) % 2 == 1
end

-- One's complement 16-bit sum of tvb bytes [offset, offset + len).
local function ones_sum(tvb, offset, len, sum)
  local i = 0
  while i + 1 < len do
    sum = sum + tvb:range(offset + i, 2):uint()
    i = i + 2
  end
  if i < len then sum = sum + tvb:range(offset + i, 1):uint() * 256 end
  while sum > 0xFFFF do sum = (sum % 0x10000) + math.floor(sum / 0x10000) end
  return sum
end

local function dissect_direct(tvb, pinfo, root, first)
  local ti = root:add(gue, tvb:range(0, 1))
  ti:append_text(", Direct IP (variant 1)")
  local vti = ti:add(f.variant, tvb:range(0, 1))
  local version = math.floor(first / 16)
  if version == 4 then
    Dissector.get("ip"):call(tvb, pinfo, root)
  elseif version == 6 then
    Dissector.get("ipv6"):call(tvb, pinfo, root)
  else
    vti:add_proto_expert_info(ex.direct)
    Dissector.get("data"):call(tvb, pinfo, root)
  end
end

-- Draft layout: returns (bytes the flags announce, transform type or nil, original proto or nil).
local function dissect_draft_fields(tvb, ti, flags, hdr_len, pktlen, hlen_ti)
  local sec = math.floor(flags / FLAG_SEC_UNIT) % 4
  local need = (bit_set(flags, FLAG_V) and 4 or 0) + SEC_LEN[sec] + (bit_set(flags, FLAG_F) and 8 or 0)
    + (bit_set(flags, FLAG_T) and 4 or 0) + (bit_set(flags, FLAG_R) and 4 or 0) + (bit_set(flags, FLAG_K) and 4 or 0)
  if need ~= hdr_len - 4 then
    hlen_ti:add_proto_expert_info(ex.hlen_mismatch,
      string.format("Flags announce %d bytes of fields, Hlen gives %d", need, hdr_len - 4))
    return nil
  end
  local pos = 4
  local ttype, torig
  if bit_set(flags, FLAG_V) then
    ti:add(f.vnid, tvb:range(pos, 4)); pos = pos + 4
  end
  if sec ~= 0 then
    ti:add(f.security, tvb:range(pos, SEC_LEN[sec])); pos = pos + SEC_LEN[sec]
  end
  if bit_set(flags, FLAG_F) then
    local ft = ti:add(gue, tvb:range(pos, 8), "Fragmentation")
    ft:add(f.frag_offset, tvb:range(pos, 2))
    ft:add(f.frag_more, tvb:range(pos, 2))
    ft:add(f.frag_orig, tvb:range(pos + 2, 1))
    ft:add(f.frag_id, tvb:range(pos + 4, 4))
    pos = pos + 8
  end
  if bit_set(flags, FLAG_T) then
    local tt = ti:add(gue, tvb:range(pos, 4), "Payload transform")
    local tti = tt:add(f.transform_type, tvb:range(pos, 1))
    tt:add(f.transform_orig, tvb:range(pos + 1, 1))
    tt:add(f.transform_specific, tvb:range(pos + 2, 2))
    ttype = tvb:range(pos, 1):uint()
    torig = tvb:range(pos + 1, 1):uint()
    if ttype ~= TRANSFORM_DTLS then tti:add_proto_expert_info(ex.transform_unknown) end
    pos = pos + 4
  end
  if bit_set(flags, FLAG_R) then
    local rt = ti:add(gue, tvb:range(pos, 4), "Remote checksum offload")
    rt:add(f.remcsum_start, tvb:range(pos, 2))
    rt:add(f.remcsum_offset, tvb:range(pos + 2, 2))
    pos = pos + 4
  end
  if bit_set(flags, FLAG_K) then
    local kt = ti:add(gue, tvb:range(pos, 4), "Checksum")
    local cti = kt:add(f.checksum, tvb:range(pos, 2))
    local cov_ti = kt:add(f.checksum_coverage, tvb:range(pos + 2, 2))
    local coverage = tvb:range(pos + 2, 2):uint()
    if coverage > pktlen - hdr_len then
      cov_ti:add_proto_expert_info(ex.coverage)
    else
      local sum = ones_sum(tvb, 0, hdr_len + coverage, 0)
      if sum == 0xFFFF then
        kt:add(f.checksum_status, "Good")
      else
        kt:add(f.checksum_status, "Bad")
        cti:add_proto_expert_info(ex.bad_checksum)
      end
    end
  end
  return need, ttype, torig
end

-- Linux layout: returns the bytes the flags announce, or nil after an error.
local function dissect_linux_fields(tvb, ti, flags, hdr_len, hlen_ti)
  if not bit_set(flags, LINUX_FLAG_PRIV) then
    if hdr_len ~= 4 then hlen_ti:add_proto_expert_info(ex.hlen_mismatch) return nil end
    return 0
  end
  if hdr_len < 8 then hlen_ti:add_proto_expert_info(ex.hlen_mismatch) return nil end
  local pflags = tvb:range(4, 4):uint()
  local pti = ti:add(f.priv_flags, tvb:range(4, 4))
  pti:add(f.priv_remcsum, tvb:range(4, 4))
  if pflags % LINUX_PFLAG_REMCSUM ~= 0 then
    pti:add_proto_expert_info(ex.flags_unknown, "Unknown Linux private flag set")
    return nil
  end
  local need = 4
  if pflags >= LINUX_PFLAG_REMCSUM then
    need = 8
    if hdr_len < 12 then hlen_ti:add_proto_expert_info(ex.hlen_mismatch) return nil end
    ti:add(f.remcsum_start, tvb:range(8, 2))
    ti:add(f.remcsum_offset, tvb:range(10, 2))
  end
  if need ~= hdr_len - 4 then hlen_ti:add_proto_expert_info(ex.hlen_mismatch) return nil end
  return need
end

function gue.dissector(tvb, pinfo, root)
  local pktlen = tvb:reported_length_remaining()
  if pktlen < 1 or tvb:len() < pktlen then return 0 end
  pinfo.cols.protocol:set("GUE")
  local first = tvb:range(0, 1):uint()
  local variant = math.floor(first / 64)
  if variant == 1 then
    dissect_direct(tvb, pinfo, root, first)
    return pktlen
  end
  local ti = root:add(gue, tvb:range(0))
  ti:add(f.variant, tvb:range(0, 1))
  if variant ~= 0 then
    ti:add_proto_expert_info(ex.variant)
    pinfo.cols.info:set("GUE reserved variant " .. variant)
    return pktlen
  end
  if pktlen < 4 then
    ti:add_proto_expert_info(ex.truncated)
    pinfo.cols.info:set("GUE truncated")
    return pktlen
  end
  local control = bit_set(first, 0x20)
  local hdr_len = 4 + 4 * (first % 32)
  ti:add(f.control, tvb:range(0, 1))
  local hlen_ti = ti:add(f.hlen, tvb:range(0, 1))
  hlen_ti:append_text(string.format(" (%d bytes)", hdr_len))
  local proto = tvb:range(1, 1):uint()
  ti:add(control and f.ctype or f.proto, tvb:range(1, 1))
  local flags = tvb:range(2, 2):uint()
  local fti = ti:add(f.flags, tvb:range(2, 2))
  local linux = gue.prefs.linux_layout
  if linux then
    fti:add(f.flag_p, tvb:range(2, 2))
  else
    for _, pf in ipairs({ f.flag_v, f.flag_sec, f.flag_f, f.flag_t, f.flag_r, f.flag_k, f.flag_unassigned }) do
      fti:add(pf, tvb:range(2, 2))
    end
  end
  if hdr_len > pktlen then
    hlen_ti:add_proto_expert_info(ex.hlen_past_end)
    pinfo.cols.info:set(string.format("GUE malformed: Hlen %d bytes > datagram %d bytes", hdr_len, pktlen))
    return pktlen
  end
  if (linux and flags - (flags % 2) ~= 0) or ((not linux) and flags % FLAGS_UNKNOWN_BELOW ~= 0) then
    fti:add_proto_expert_info(ex.flags_unknown)
    pinfo.cols.info:set(string.format("GUE malformed: unknown flags 0x%04x", flags))
    return pktlen
  end
  local need, ttype, torig
  if linux then
    need = dissect_linux_fields(tvb, ti, flags, hdr_len, hlen_ti)
  else
    need, ttype, torig = dissect_draft_fields(tvb, ti, flags, hdr_len, pktlen, hlen_ti)
  end
  if need == nil then
    pinfo.cols.info:set("GUE malformed header")
    return pktlen
  end
  ti:set_len(hdr_len)
  local rest = pktlen - hdr_len

  if control then
    ti:set_len(pktlen)
    pinfo.cols.info:set(string.format("GUE control message, ctype %d", proto))
    local off = hdr_len
    if proto == CTYPE_EXPERIMENTAL then
      if rest < 4 then
        ti:add_proto_expert_info(ex.exid_missing)
        return pktlen
      end
      ti:add(f.exid, tvb:range(off, 4))
      off = off + 4
    end
    if pktlen > off then
      ti:add(f.control_payload, tvb:range(off))
      Dissector.get("data"):call(tvb:range(off):tvb(), pinfo, root)
    end
    return pktlen
  end

  if rest <= 0 then return pktlen end
  local payload = tvb:range(hdr_len):tvb()
  if ttype == TRANSFORM_DTLS then
    ti:append_text(string.format(", DTLS-transformed Proto %d", torig))
    pinfo.cols.info:set(string.format("GUE DTLS (original Proto %d)", torig))
    Dissector.get("dtls"):call(payload, pinfo, root)
    return pktlen
  end
  ti:append_text(string.format(", Proto %d", proto))
  local sub = nil
  if proto ~= PROTO_NO_NEXT then sub = DissectorTable.get("ip.proto"):get_dissector(proto) end
  if sub ~= nil then
    sub:call(payload, pinfo, root)
  else
    Dissector.get("data"):call(payload, pinfo, root)
  end
  return pktlen
end

local registered_port = nil
local function register_port()
  local udp = DissectorTable.get("udp.port")
  if registered_port ~= nil then udp:remove(registered_port, gue) end
  registered_port = gue.prefs.udp_port
  udp:add(registered_port, gue)
end

function gue.prefs_changed()
  if gue.prefs.udp_port ~= registered_port then register_port() end
end

register_port()
